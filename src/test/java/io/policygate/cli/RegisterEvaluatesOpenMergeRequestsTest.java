package io.policygate.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.policygate.reconcile.ReconciliationSweep;
import io.policygate.testing.FakeGitLab;
import io.policygate.testing.GitLabStubs;
import io.policygate.testing.GitLabWireMock;
import io.policygate.testing.Payloads;
import io.policygate.testing.ServiceTest;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * GitLab sends a new status check's payload only for merge requests that change after it exists. register hands
 * the checks it registered to the running policy-gate, which evaluates the open merge requests through its journal
 * and keeps their projects in every later sweep, though no webhook ever came from them.
 */
@QuarkusTest
@WithTestResource(GitLabWireMock.class)
class RegisterEvaluatesOpenMergeRequestsTest extends ServiceTest {

    private static final long PROJECT = 6;
    private static final long CHECK = 77;
    private static final String MRS = "/api/v4/projects/" + PROJECT + "/merge_requests";

    @TestHTTPResource("/")
    URL policyGate;

    @Inject
    ReconciliationSweep sweep;

    /** An open merge request of the project that no webhook ever announced, with the registered check pending. */
    private static void opened(int iid, String title, String... labels) {
        FakeGitLab.SHARED.put(FakeGitLab.MergeRequest.opened(
                PROJECT,
                "flightjs/Flight",
                iid,
                Payloads.sha(6100 + iid),
                title,
                List.of(labels),
                new FakeGitLab.Check(CHECK, "policy-gate", FakeGitLab.POLICY_GATE_URL)));
    }

    private String register(int expectedExit, String... extra) {
        String[] args = new String[] {
            "register",
            "--project",
            String.valueOf(PROJECT),
            "--url",
            FakeGitLab.POLICY_GATE_URL,
            "--gitlab-url",
            gitlab.baseUrl(),
            "--token-env",
            "TEST_GITLAB_TOKEN",
            "--secret-env",
            "TEST_SHARED_SECRET",
            "--policy-gate-url",
            policyGate.toString(),
            "--api-token-env",
            "TEST_API_TOKEN"
        };
        String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.Arrays.stream(extra))
                .toArray(String[]::new);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int exit = PolicyGateMain.run(all, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(expectedExit, exit, out);
        return out;
    }

    private void theCheckIsRegisteredInGitLab() {
        gitlab.stubFor(get(urlPathEqualTo("/api/v4/projects/" + PROJECT + "/external_status_checks"))
                .willReturn(GitLabStubs.json("[{\"id\":" + CHECK + ",\"name\":\"policy-gate\",\"external_url\":\""
                        + FakeGitLab.POLICY_GATE_URL + "\",\"hmac\":true,\"protected_branches\":[]}]")));
    }

    @Test
    void everyOpenMergeRequestGetsAVerdictAndTheProjectStaysInTheSweep() {
        opened(61, "PAY-61 ledger rounding", "compliance-reviewed");
        opened(62, "no ticket");
        theCheckIsRegisteredInGitLab();
        long before = journal.jobCount();

        String dryRun = register(0, "--dry-run");
        assertTrue(dryRun.contains("  would evaluate !61 PAY-61 ledger rounding at " + Payloads.sha(6161)), dryRun);
        assertTrue(dryRun.contains("  would evaluate !62 no ticket at " + Payloads.sha(6162)), dryRun);
        assertEquals(before, journal.jobCount());

        String out = register(0);

        assertTrue(
                out.contains(
                        "flightjs/Flight (6): check 'policy-gate' (77) already up to date\n"
                                + "  2 open merge request(s) to evaluate\npolicy-gate evaluates the open merge requests of 1 project(s)"),
                out);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> journal.jobCount() == before + 2 && journal.unfinishedCount() == 0);
        gitlab.verify(
                1,
                postRequestedFor(urlPathEqualTo(MRS + "/61/status_check_responses"))
                        .withRequestBody(equalToJson("{\"sha\":\"" + Payloads.sha(6161)
                                + "\",\"external_status_check_id\":77," + "\"status\":\"passed\"}")));
        gitlab.verify(
                1,
                postRequestedFor(urlPathEqualTo(MRS + "/62/status_check_responses"))
                        .withRequestBody(equalToJson("{\"sha\":\"" + Payloads.sha(6162)
                                + "\",\"external_status_check_id\":77," + "\"status\":\"failed\"}")));

        // A merge request opened later, still without a webhook: the next sweep covers the registered project.
        opened(63, "PAY-63 late", "compliance-reviewed");
        ReconciliationSweep.Result result = sweep.sweep();
        assertTrue(result.queued() >= 1, result.toString());
        await().atMost(Duration.ofSeconds(30)).until(() -> journal.unfinishedCount() == 0);
        gitlab.verify(1, postRequestedFor(urlPathEqualTo(MRS + "/63/status_check_responses")));
    }

    @Test
    void badRequestsNameTheFieldAndRecordNothing() {
        long before = journal.jobCount();
        String json = "application/json";
        given().header("Authorization", "Bearer test-api-token")
                .contentType(json)
                .body("{\"checks\":[]}")
                .post("/api/v1/registered-checks")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("field", equalTo("checks"));
        given().header("Authorization", "Bearer test-api-token")
                .contentType(json)
                .body("{\"checks\":[{\"projectId\":6,\"checkId\":0}]}")
                .post("/api/v1/registered-checks")
                .then()
                .statusCode(400)
                .body("field", equalTo("checks[0].checkId"));
        given().header("Authorization", "Bearer test-api-token")
                .contentType(json)
                .body("{\"checks\":")
                .post("/api/v1/registered-checks")
                .then()
                .statusCode(400)
                .body("field", equalTo("checks"));
        given().contentType(json)
                .body("{\"checks\":[{\"projectId\":6,\"checkId\":1}]}")
                .post("/api/v1/registered-checks")
                .then()
                .statusCode(401);
        assertEquals(before, journal.jobCount());
    }
}
