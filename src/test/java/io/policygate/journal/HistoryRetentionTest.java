package io.policygate.journal;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.policygate.testing.ConfigOverrides;
import io.policygate.testing.GitLabStubs;
import io.policygate.testing.GitLabWireMock;
import io.policygate.testing.Payloads;
import io.policygate.testing.Previews;
import io.policygate.testing.ServiceTest;
import io.policygate.testing.Webhooks;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.ValidatableResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The scheduler deletes old finished evaluations on its own, and never work that is not finished. */
@QuarkusTest
@TestProfile(HistoryRetentionTest.Profile.class)
@WithTestResource(GitLabWireMock.class)
class HistoryRetentionTest extends ServiceTest {

    public static class Profile extends ConfigOverrides {
        public Profile() {
            super("policy-gate.history.keep", "2s", "policy-gate.history.prune-every", "1s");
        }
    }

    private static ValidatableResponse evaluation(String id) {
        return given().header("Authorization", "Bearer test-api-token")
                .get("/api/v1/evaluations/" + id)
                .then();
    }

    @Test
    void finishedEvaluationsGoAfterKeepWhileAReportStillRetriedStays() {
        String retriedSha = Payloads.sha(9502);
        gitlab.stubFor(GitLabStubs.statusResponses()
                .atPriority(1)
                .withRequestBody(containing(retriedSha))
                .willReturn(aResponse().withStatus(503)));
        String finished = Webhooks.accept(Payloads.forMergeRequest(Payloads.COMPLIANT, 9501, Payloads.sha(9501)));
        String retried = Webhooks.accept(Payloads.forMergeRequest(Payloads.COMPLIANT, 9502, retriedSha));
        journal.awaitState(finished, JobState.REPORTED);

        await().atMost(Duration.ofSeconds(20))
                .until(() -> evaluation(finished).extract().statusCode() == 404);
        assertEquals(List.of(), journal.attemptsOf(finished));

        // Older than keep, and GitLab has refused it every time since: it is still work to do.
        assertEquals(JobState.REPORTING, journal.job(retried).state());
        evaluation(retried).statusCode(200).body("evaluation.state", equalTo("reporting"));

        gitlab.resetAll();
        GitLabStubs.acceptAll(gitlab);
        journal.awaitState(retried, JobState.REPORTED);
    }

    @Test
    void previewsGoAfterKeepToo() throws IOException {
        String id = Previews.ofAProjectWithoutMergeRequests(gitlab, journal)
                .statusCode(200)
                .extract()
                .path("id");

        await().atMost(Duration.ofSeconds(20))
                .until(() -> given().header("Authorization", "Bearer test-api-token")
                                .get("/api/v1/policies/preview/" + id)
                                .then()
                                .extract()
                                .statusCode()
                        == 404);
    }
}
