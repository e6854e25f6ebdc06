package io.policygate.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.policygate.testing.Webhooks;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {

    private static final String BODY = "{\"object_kind\":\"merge_request\"}";
    private static final byte[] BYTES = BODY.getBytes(StandardCharsets.UTF_8);
    private static final Clock NOW = Clock.systemUTC();

    private static WebhookSignature secret(String secret, boolean allowUnsigned) {
        return new WebhookSignature(Optional.of(secret), Optional.empty(), allowUnsigned, NOW);
    }

    private static boolean accepts(WebhookSignature check, String signature, String token) {
        return check.check(BYTES, new WebhookSignature.Credentials(signature, token, null, null, null))
                instanceof WebhookSignature.Accepted;
    }

    @Test
    void hmacIsGitLabsLowercaseHexOfTheRawBody() {
        // Known answer, from Python: hmac.new(b'secret', body, hashlib.sha256).hexdigest()
        assertEquals(
                "277f4d2ebacd2939f446d57998f52a42d8c6cfc35fa68e25dd05e0e3a81de0ec",
                HexFormat.of().formatHex(WebhookSignature.hmac("secret".getBytes(StandardCharsets.UTF_8), BYTES)));
        WebhookSignature check = secret("secret", false);
        assertTrue(accepts(check, Webhooks.sign("secret", BODY), null));
        assertTrue(accepts(check, Webhooks.sign("secret", BODY).toUpperCase(), null));
    }

    @Test
    void anythingElseIsRefused() {
        WebhookSignature check = secret("secret", false);
        assertTrue(!accepts(check, null, null));
        assertTrue(!accepts(check, "", ""));
        assertTrue(!accepts(check, Webhooks.sign("other", BODY), null));
        assertTrue(!accepts(check, Webhooks.sign("secret", BODY + " "), null));
        assertTrue(!accepts(check, "sha256=" + Webhooks.sign("secret", BODY), null));
        assertTrue(!accepts(check, null, "Secret"));
    }

    @Test
    void tokenEqualToTheSecretIsAccepted() {
        assertTrue(accepts(secret("secret", false), null, "secret"));
    }

    @Test
    void aSecretReadFromAFileMatchesWithoutItsLineBreaks() {
        // A mounted Secret file ends with a line break; GitLab's form field, and so its signature, has none.
        WebhookSignature check = secret("secret\n", false);
        assertTrue(accepts(check, Webhooks.sign("secret", BODY), null));
        assertTrue(accepts(check, null, "secret"));
        // GitLab strips every line break from X-Gitlab-Token.
        assertTrue(accepts(secret("sec\r\nret\r\n", false), null, "secret"));
        assertTrue(!accepts(check, null, "secret\n"));
    }

    @Test
    void allowUnsignedAcceptsOnlyWhatCarriesNoCredential() {
        WebhookSignature check = secret("secret", true);
        assertTrue(accepts(check, null, null));
        assertTrue(!accepts(check, Webhooks.sign("other", BODY), null));
        assertTrue(accepts(new WebhookSignature(Optional.empty(), Optional.empty(), true, NOW), null, null));
    }

    /** The Standard Webhooks specification's own example: its secret, id, timestamp, body and signature. */
    @Test
    void standardWebhooksSignaturesAreCheckedAgainstTheSpecificationsExample() {
        String body = "{\"test\": 2432232314}";
        Clock then = Clock.fixed(Instant.ofEpochSecond(1614265330), ZoneOffset.UTC);
        WebhookSignature check = new WebhookSignature(
                Optional.empty(), Optional.of("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), false, then);

        WebhookSignature.Decision signed = check.check(
                body.getBytes(StandardCharsets.UTF_8),
                new WebhookSignature.Credentials(
                        null,
                        null,
                        "msg_p5jXN8AQM9LWM0D4loKWxJek",
                        "1614265330",
                        "v1,wrong v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="));
        assertEquals(new WebhookSignature.Accepted(Optional.of("msg_p5jXN8AQM9LWM0D4loKWxJek")), signed);

        WebhookSignature.Decision tampered = check.check(
                (body + " ").getBytes(StandardCharsets.UTF_8),
                new WebhookSignature.Credentials(
                        null,
                        null,
                        "msg_p5jXN8AQM9LWM0D4loKWxJek",
                        "1614265330",
                        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="));
        assertInstanceOf(WebhookSignature.Refused.class, tampered);

        WebhookSignature later = new WebhookSignature(
                Optional.empty(),
                Optional.of("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
                false,
                Clock.offset(then, java.time.Duration.ofMinutes(6)));
        WebhookSignature.Decision replayed = later.check(
                body.getBytes(StandardCharsets.UTF_8),
                new WebhookSignature.Credentials(
                        null,
                        null,
                        "msg_p5jXN8AQM9LWM0D4loKWxJek",
                        "1614265330",
                        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="));
        assertTrue(
                ((WebhookSignature.Refused) replayed).reason().contains("360 s away"),
                ((WebhookSignature.Refused) replayed).reason());
    }
}
