package io.policygate.webhook;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.policygate.journal.JobState;
import io.policygate.testing.ConfigOverrides;
import io.policygate.testing.FakeGitLab;
import io.policygate.testing.GitLabWireMock;
import io.policygate.testing.Payloads;
import io.policygate.testing.ServiceTest;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.ValidatableResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * GitLab's signed project webhooks (Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature): the only
 * GitLab webhooks that carry replay protection, so policy-gate refuses an old timestamp and acts on an id once.
 */
@QuarkusTest
@TestProfile(StandardWebhooksTest.SigningToken.class)
@WithTestResource(GitLabWireMock.class)
class StandardWebhooksTest extends ServiceTest {

    private static final byte[] KEY = "a-32-byte-key-for-signing-hooks!".getBytes(StandardCharsets.UTF_8);

    public static class SigningToken extends ConfigOverrides {
        public SigningToken() {
            super(
                    "policy-gate.webhook.signing-token",
                    "whsec_" + Base64.getEncoder().encodeToString(KEY) + "\n",
                    "policy-gate.gitlab.default-check-id",
                    "1");
        }
    }

    /** A plain merge request webhook as GitLab sends it with a signing token. */
    private static ValidatableResponse send(String body, String id, long timestamp) {
        byte[] signed = (id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8);
        String signature = "v1," + Base64.getEncoder().encodeToString(WebhookSignature.hmac(KEY, signed));
        return given().contentType("application/json")
                .header("X-Gitlab-Event", "Merge Request Hook")
                .header("webhook-id", id)
                .header("webhook-timestamp", String.valueOf(timestamp))
                .header("webhook-signature", signature)
                .body(body)
                .when()
                .post("/webhooks/gitlab")
                .then();
    }

    @Test
    void aSignedWebhookIsAcceptedOnceAndItsRepeatIsAnswered2xxQueueingNothing() {
        String body = Payloads.raw("merge-request-update-plain-webhook.json");
        FakeGitLab.SHARED.sent(body);
        FakeGitLab.SHARED.update(6, 4, mr -> mr.withChecks(new FakeGitLab.Check(1, "QA", FakeGitLab.POLICY_GATE_URL)));
        String id = UUID.randomUUID().toString();
        long now = Instant.now().getEpochSecond();

        String evaluation = send(body, id, now).statusCode(202).extract().path("evaluationId");
        journal.awaitState(evaluation, JobState.REPORTED);

        long jobs = journal.jobCount();
        // GitLab counts a refusal as a failed delivery towards disabling the hook: a repeat is answered 200.
        send(body, id, now)
                .statusCode(200)
                .body("state", equalTo("ignored"))
                .body("evaluationId", equalTo(evaluation))
                .body("reason", containsString("webhook-id " + id + " was received before"));
        assertEquals(jobs, journal.jobCount(), "a repeated delivery queues nothing");
        assertEquals(JobState.REPORTED, journal.job(evaluation).state(), "nor evaluates its job again");
        given().get("/q/metrics").then().body(containsString("policy_gate_webhooks_total{outcome=\"replayed\"}"));
    }

    @Test
    void anOldOrForgedSignatureIsRefused() {
        String body = Payloads.raw("merge-request-update-plain-webhook.json");
        long now = Instant.now().getEpochSecond();

        send(body, UUID.randomUUID().toString(), now - 600)
                .statusCode(401)
                .body("detail", containsString("away from policy-gate's clock"));
        given().contentType("application/json")
                .header("webhook-id", "x")
                .header("webhook-timestamp", String.valueOf(now))
                .header("webhook-signature", "v1,AAAA")
                .body(body)
                .when()
                .post("/webhooks/gitlab")
                .then()
                .statusCode(401)
                .body("detail", equalTo("webhook-signature is not this webhook's signature with the signing token"));
    }
}
