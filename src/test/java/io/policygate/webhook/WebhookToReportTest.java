package io.policygate.webhook;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.policygate.journal.Job;
import io.policygate.journal.JobState;
import io.policygate.testing.FakeGitLab;
import io.policygate.testing.GitLabStubs;
import io.policygate.testing.GitLabWireMock;
import io.policygate.testing.Payloads;
import io.policygate.testing.ServiceTest;
import io.policygate.testing.Webhooks;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;

/** The whole path: GitLab's payload in, the shipped policies evaluated, the exact SHA reported back. */
@QuarkusTest
@WithTestResource(GitLabWireMock.class)
class WebhookToReportTest extends ServiceTest {

    @Test
    void samplePayloadWithoutTicketOrLabelIsReportedFailedForItsExactSha() {
        String id = Webhooks.sendSigned(Payloads.raw(Payloads.SAMPLE))
                .statusCode(202)
                .body("state", Matchers.equalTo("queued"))
                .body("evaluationId", matchesPattern("[0-9a-f-]{36}"))
                .extract()
                .path("evaluationId");

        Job job = journal.awaitState(id, JobState.REPORTED);

        gitlab.verify(
                1,
                postRequestedFor(urlPathEqualTo(GitLabStubs.STATUS_PATH))
                        .withHeader("PRIVATE-TOKEN", equalTo("test-gitlab-token"))
                        .withRequestBody(equalToJson("{\"sha\":\"" + Payloads.SAMPLE_SHA
                                + "\",\"external_status_check_id\":1,\"status\":\"failed\"}")));
        assertEquals("failed", job.verdict());
        assertTrue(job.verdictDetail().contains("Reference a Jira ticket such as PAY-123"), job.verdictDetail());
        assertTrue(job.verdictDetail().contains("compliance-reviewed label"), job.verdictDetail());
        assertEquals(1, journal.attemptsOf(id).size());
        assertEquals(201, journal.attemptsOf(id).get(0).httpStatus());
    }

    @Test
    void payloadWithTicketAndLabelIsReportedPassed() {
        String id = Webhooks.accept(Payloads.raw(Payloads.COMPLIANT));

        Job job = journal.awaitState(id, JobState.REPORTED);

        gitlab.verify(
                1,
                postRequestedFor(urlPathEqualTo(GitLabStubs.STATUS_PATH))
                        .withRequestBody(equalToJson("{\"sha\":\"" + Payloads.SAMPLE_SHA
                                + "\",\"external_status_check_id\":1,\"status\":\"passed\"}")));
        assertEquals("passed", job.verdict());
    }

    @Test
    void plainProjectWebhookAuthenticatedByTokenIsAcceptedWithDefaultCheckIdMissingNamed() {
        // A plain MR webhook has no external_approval_rule; without default-check-id we cannot report.
        given().contentType("application/json")
                .header("X-Gitlab-Token", Webhooks.SECRET)
                .header("X-Gitlab-Event", "Merge Request Hook")
                .body(Payloads.raw("merge-request-update-plain-webhook.json"))
                .when()
                .post("/webhooks/gitlab")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("field", Matchers.equalTo("external_approval_rule.id"));
    }

    @Test
    void statusCheckAuthenticatedByTokenIsAccepted() {
        FakeGitLab.SHARED.sent(Payloads.raw(Payloads.COMPLIANT));
        String id = given().contentType("application/json")
                .header("X-Gitlab-Token", Webhooks.SECRET)
                .body(Payloads.raw(Payloads.COMPLIANT))
                .when()
                .post("/webhooks/gitlab")
                .then()
                .statusCode(202)
                .extract()
                .path("evaluationId");

        journal.awaitState(id, JobState.REPORTED);
        gitlab.verify(1, postRequestedFor(urlPathEqualTo(GitLabStubs.STATUS_PATH)));
    }

    @Test
    void headerNamesAreMatchedWhateverTheirCase() {
        String body = Payloads.raw(Payloads.COMPLIANT);
        FakeGitLab.SHARED.sent(body);
        // GitLab spells it X-GitLab-Signature; HTTP header names carry no case.
        given().contentType("application/json")
                .header("X-GitLab-Signature", Webhooks.sign(Webhooks.SECRET, body))
                .body(body)
                .when()
                .post("/webhooks/gitlab")
                .then()
                .statusCode(202);
        given().contentType("application/json")
                .header("x-gitlab-token", Webhooks.SECRET)
                .body(body)
                .when()
                .post("/webhooks/gitlab")
                .then()
                .statusCode(202);
    }

    @Test
    void aCommitOfASha256RepositoryIsReportedWithItsWholeSha() {
        String sha = "a".repeat(24) + "0123456789abcdef0123456789abcdef01234567";
        String id = Webhooks.accept(Payloads.forMergeRequest(Payloads.COMPLIANT, 4, sha));

        Job job = journal.awaitState(id, JobState.REPORTED);

        assertEquals(sha, job.sha());
        gitlab.verify(
                1,
                postRequestedFor(urlPathEqualTo(GitLabStubs.STATUS_PATH))
                        .withRequestBody(equalToJson(
                                "{\"sha\":\"" + sha + "\",\"external_status_check_id\":1,\"status\":\"passed\"}")));
        given().header("Authorization", "Bearer test-api-token")
                .get("/api/v1/evaluations/" + id)
                .then()
                .statusCode(200)
                .body("evaluation.sha", Matchers.equalTo(sha));
    }

    @Test
    void aClosedMergeRequestWithoutALastCommitIsIgnored() {
        // GitLab builds last_commit from diff_head_commit&.hook_attrs: null once the source branch is gone.
        Webhooks.sendSigned(Payloads.raw("merge-request-close-source-branch-deleted.json"))
                .statusCode(200)
                .body("state", Matchers.equalTo("ignored"))
                .body("reason", Matchers.equalTo("merge request is closed"));
        String open = Payloads.with(Payloads.SAMPLE, "/object_attributes/last_commit", null);
        Webhooks.sendSigned(open)
                .statusCode(200)
                .body("state", Matchers.equalTo("ignored"))
                .body("reason", Matchers.containsString("has no commits"));
    }

    @Test
    void tokenGoesOnlyToTheConfiguredGitLabWhateverThePayloadSays() {
        WireMockServer attacker = new WireMockServer(0);
        attacker.start();
        try {
            String evil = attacker.baseUrl();
            String body = Payloads.with(Payloads.SAMPLE, "/project/web_url", evil);
            body = body.replace("http://example.com", evil).replace("https://example.com", evil);
            String id = Webhooks.accept(body);

            journal.awaitState(id, JobState.REPORTED);

            assertEquals(0, attacker.getAllServeEvents().size(), "nothing may be sent to a host named in a payload");
            gitlab.verify(
                    1,
                    postRequestedFor(urlPathEqualTo(GitLabStubs.STATUS_PATH))
                            .withHeader("PRIVATE-TOKEN", equalTo("test-gitlab-token")));
        } finally {
            attacker.stop();
        }
    }
}
