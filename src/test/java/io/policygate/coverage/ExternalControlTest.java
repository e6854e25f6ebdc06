package io.policygate.coverage;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.policygate.journal.ExternalControlRequests;
import io.policygate.journal.JobState;
import io.policygate.testing.FakeGitLab;
import io.policygate.testing.GitLabWireMock;
import io.policygate.testing.Payloads;
import io.policygate.testing.Webhooks;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * GitLab's compliance centre asks policy-gate, as an external control, whether a project complies: a signed request
 * is answered 202 at once, the project's posture is judged from GitLab (not from the request's claims), and the
 * control's status is set with the signature GitLab checks; transient failures are tried again, signed afresh.
 */
@QuarkusTest
@WithTestResource(GitLabWireMock.class)
class ExternalControlTest extends CoverageTest {

    private static final String SECRET = "test-control-secret";
    private static final String FINANCE = "test-finance-control-secret";

    @Inject
    ExternalControlRequests requests;

    @Override
    String loggerName() {
        return "io.policygate.coverage.ExternalControlReporter";
    }

    /** What GitLab posts: the project's details (here claiming "Status checks must succeed"), and the control. */
    private static String body(long controlId) {
        return "{\"id\":6,\"name\":\"Flight\",\"path_with_namespace\":\"flightjs/Flight\","
                + "\"only_allow_merge_if_all_status_checks_passed\":true,\"project_control_compliance_status\":"
                + "{\"status\":\"pending\",\"compliance_requirements_control_id\":" + controlId + ",\"project_id\":6,"
                + "\"compliance_requirement_id\":200001,\"namespace_id\":654321,\"id\":300001,"
                + "\"created_at\":\"2026-12-07T10:00:00.000Z\",\"updated_at\":\"2026-12-07T10:00:00.000Z\","
                + "\"requirement_status_id\":null}}";
    }

    private static String hmac(String secret, String payload) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
    }

    private static String path(long controlId) {
        return "/api/v4/projects/6/compliance_external_controls/" + controlId + "/status";
    }

    /** The PATCH carries what GitLab checks: a fresh timestamp, a 32-character nonce, the HMAC of both and more. */
    private static void assertSignedAsGitLabChecks(LoggedRequest patch, String secret, String status) throws Exception {
        String timestamp = patch.getHeader("X-Gitlab-Timestamp");
        String nonce = patch.getHeader("X-Gitlab-Nonce");
        long age = Instant.now().getEpochSecond() - Long.parseLong(timestamp);
        assertTrue(age >= 0 && age < 15, "sent within 15 s of its timestamp: " + age);
        assertEquals(32, nonce.length());
        assertEquals("status=" + status, patch.getBodyAsString());
        assertEquals(
                hmac(secret, timestamp + nonce + patch.getUrl() + "status=" + status),
                patch.getHeader("X-Gitlab-Hmac-Sha256"));
    }

    @Test
    void aSignedRequestGetsTheProjectsPostureAsJudgedFromGitLab() throws Exception {
        journal.awaitState(Webhooks.accept(Payloads.raw(Payloads.COMPLIANT)), JobState.REPORTED);
        FakeGitLab.SHARED.statusChecksMustSucceed(6, false);
        gitlab.stubFor(patch(urlPathEqualTo(path(77)))
                .willReturn(aResponse().withStatus(200).withBody("{}")));

        // A stranger's requests: nothing is kept, GitLab is not called.
        given().body(body(77)).post("/compliance/gitlab").then().statusCode(401);
        given().header("X-GitLab-Signature", hmac("guess", body(77)))
                .body(body(77))
                .post("/compliance/gitlab")
                .then()
                .statusCode(401)
                .body("detail", containsString("not the HMAC of this body"));
        given().header("X-GitLab-Signature", hmac(SECRET, body(77)))
                .body(body(77))
                .post("/compliance/gitlab?secret=unknown")
                .then()
                .statusCode(401);
        given().header("X-GitLab-Signature", hmac(SECRET, "x"))
                .body(new byte[300_000])
                .post("/compliance/gitlab")
                .then()
                .statusCode(413);
        // Signed, but without the control: nothing is kept.
        String withoutControl = "{\"id\":6,\"path_with_namespace\":\"flightjs/Flight\"}";
        given().header("X-GitLab-Signature", hmac(SECRET, withoutControl))
                .body(withoutControl)
                .post("/compliance/gitlab")
                .then()
                .statusCode(400)
                .body("detail", equalTo("project_control_compliance_status is required"));

        given().header("X-GitLab-Signature", hmac(SECRET, body(77)))
                .contentType("application/json")
                .body(body(77))
                .post("/compliance/gitlab")
                .then()
                .statusCode(202)
                .body("projectId", equalTo(6))
                .body("controlId", equalTo(77))
                .body("state", equalTo("queued"));

        await().atMost(Duration.ofSeconds(15))
                .until(() -> !gitlab.findAll(patchRequestedFor(urlPathEqualTo(path(77))))
                        .isEmpty());
        List<LoggedRequest> patches = gitlab.findAll(patchRequestedFor(urlPathEqualTo(path(77))));
        assertEquals(1, patches.size());
        // The request claimed "Status checks must succeed"; GitLab says it is off: fail.
        assertSignedAsGitLabChecks(patches.get(0), SECRET, "fail");
        await().atMost(Duration.ofSeconds(5))
                .until(() -> requests.standing(6, 77).orElse("").startsWith("reported fail"));
        assertTrue(requests.standing(6, 77).get().contains("\"Status checks must succeed\" is off"));
    }

    @Test
    void aTransientFailureIsTriedAgainSignedAfreshWithTheSecretTheUrlNames() throws Exception {
        journal.awaitState(Webhooks.accept(Payloads.raw(Payloads.COMPLIANT)), JobState.REPORTED);
        FakeGitLab.SHARED.statusChecksMustSucceed(6, true);
        gitlab.stubFor(patch(urlPathEqualTo(path(78)))
                .inScenario("flaky")
                .whenScenarioStateIs(Scenario.STARTED)
                .willSetStateTo("answered once")
                .willReturn(aResponse().withStatus(503)));
        gitlab.stubFor(patch(urlPathEqualTo(path(78)))
                .inScenario("flaky")
                .whenScenarioStateIs("answered once")
                .willReturn(aResponse().withStatus(200).withBody("{}")));

        given().header("X-GitLab-Signature", hmac(FINANCE, body(78)))
                .body(body(78))
                .post("/compliance/gitlab?secret=finance")
                .then()
                .statusCode(202);

        await().atMost(Duration.ofSeconds(20))
                .until(() -> requests.standing(6, 78).orElse("").startsWith("reported pass"));
        List<LoggedRequest> patches = gitlab.findAll(patchRequestedFor(urlPathEqualTo(path(78))));
        assertEquals(2, patches.size());
        assertNotEquals(
                patches.get(0).getHeader("X-Gitlab-Nonce"), patches.get(1).getHeader("X-Gitlab-Nonce"));
        assertSignedAsGitLabChecks(patches.get(1), FINANCE, "pass");
    }
}
