package io.policygate.webhook;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.policygate.journal.JobState;
import io.policygate.testing.GitLabStubs;
import io.policygate.testing.GitLabWireMock;
import io.policygate.testing.Payloads;
import io.policygate.testing.ServiceTest;
import io.policygate.testing.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The GitLab token, the webhook secret, the API token and the database password never appear in the
 * log (captured to a file from start-up on), in error bodies, in /api/v1/* or in /q/* answers.
 */
@QuarkusTest
@TestProfile(SecretsStayHiddenTest.Profile.class)
class SecretsStayHiddenTest extends ServiceTest {

    private static final Path LOG = Path.of("target/secrets-test.log");
    private static final List<String> SECRETS =
            List.of("test-gitlab-token", Webhooks.SECRET, "test-api-token", "test-db-password-4711");

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "quarkus.log.file.enabled", "true",
                    "quarkus.log.file.path", LOG.toString(),
                    "quarkus.log.category.\"io.policygate\".level", "DEBUG",
                    "policy-gate.db.url", "jdbc:h2:mem:secrets;DB_CLOSE_DELAY=-1",
                    "quarkus.datasource.h2.password", "test-db-password-4711");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(GitLabWireMock.class));
        }
    }

    @Test
    void noSecretInLogsOrAnswers() throws IOException {
        journal.knowsProjects(6);
        List<String> answers = new ArrayList<>();
        // Webhook refusals.
        answers.add(given().contentType("application/json")
                .body(Payloads.raw(Payloads.SAMPLE))
                .post("/webhooks/gitlab")
                .then()
                .statusCode(401)
                .extract()
                .asString());
        answers.add(given().contentType("application/json")
                .header("X-Gitlab-Token", "nearly-" + Webhooks.SECRET)
                .body(Payloads.raw(Payloads.SAMPLE))
                .post("/webhooks/gitlab")
                .then()
                .statusCode(401)
                .extract()
                .asString());
        answers.add(Webhooks.sendSigned("{not json").statusCode(400).extract().asString());
        // GitLab refusing the token: the job dies with a log line saying what to fix.
        gitlab.stubFor(GitLabStubs.statusResponses()
                .willReturn(aResponse().withStatus(401).withBody("{\"message\":\"401 Unauthorized\"}")));
        journal.awaitState(Webhooks.accept(Payloads.raw(Payloads.SAMPLE)), JobState.DEAD);
        // GitLab failing, then reads failing.
        gitlab.stubFor(GitLabStubs.statusResponses().willReturn(aResponse().withStatus(503)));
        Webhooks.accept(Payloads.with(Payloads.SAMPLE, "/object_attributes/iid", 77));
        GitLabStubs.acceptAll(gitlab);
        // The API and Quarkus' own endpoints.
        answers.add(given().header("Authorization", "Bearer wrong")
                .get("/api/v1/policies")
                .then()
                .statusCode(401)
                .extract()
                .asString());
        answers.add(given().header("Authorization", "Bearer test-api-token")
                .get("/api/v1/policies")
                .then()
                .statusCode(200)
                .extract()
                .asString());
        answers.add(given().header("Authorization", "Bearer test-api-token")
                .contentType("application/json")
                .body(Payloads.raw(Payloads.SAMPLE))
                .post("/api/v1/evaluate")
                .then()
                .statusCode(200)
                .extract()
                .asString());
        for (String path : List.of("/q/health", "/q/health/ready", "/q/health/live", "/q/metrics", "/q/openapi")) {
            answers.add(given().get(path).then().extract().asString());
        }

        String log = Files.readString(LOG);
        assertFalse(log.isEmpty());
        for (String secret : SECRETS) {
            assertFalse(log.contains(secret), "the log contains " + secret);
            for (String answer : answers) {
                assertFalse(answer.contains(secret), "an answer contains " + secret + ": " + answer);
            }
        }
    }
}
