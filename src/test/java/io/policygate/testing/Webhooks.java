package io.policygate.testing;

import static io.restassured.RestAssured.given;

import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Sends webhooks into the running service the way GitLab does. */
public final class Webhooks {

    /** %test.policy-gate.webhook.secret in application.properties. */
    public static final String SECRET = "test-webhook-secret";

    private Webhooks() {}

    /** POST signed with X-Gitlab-Signature, as a GitLab 17.3+ status check with a shared secret does. */
    public static ValidatableResponse sendSigned(String body) {
        return signed(body).when().post("/webhooks/gitlab").then();
    }

    /**
     * POST signed like {@link #sendSigned}, for a body the service refuses from its headers (413). The service
     * answers and closes the connection without reading such a body; a client that writes the whole body first
     * may hit the closed socket ("Broken pipe") before it reads the answer. One that asks
     * "Expect: 100-continue" reads the answer first, every time.
     */
    public static ValidatableResponse sendSignedOverTheLimit(String body) {
        return signed(body)
                .header("Expect", "100-continue")
                .when()
                .post("/webhooks/gitlab")
                .then();
    }

    /**
     * The request {@link #sendSigned} sends, for a test that adds to it. GitLab built the body from its state, so
     * the fake GitLab's merge request is now as the body says ({@link FakeGitLab#sent}).
     */
    public static RequestSpecification signed(String body) {
        FakeGitLab.SHARED.sent(body);
        return forged(body);
    }

    /**
     * A body signed with the shared secret that GitLab did not build: whoever holds the secret can send one. The
     * fake GitLab's state stays as it is.
     */
    public static RequestSpecification forged(String body) {
        return given().contentType("application/json")
                .header("X-Gitlab-Signature", sign(SECRET, body))
                .body(body);
    }

    public static String sign(String secret, String body) {
        return sign(secret, body.getBytes(StandardCharsets.UTF_8));
    }

    public static String sign(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sends a signed webhook that must be accepted and returns its evaluation id. */
    public static String accept(String body) {
        return sendSigned(body).statusCode(202).extract().path("evaluationId");
    }
}
