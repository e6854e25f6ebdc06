package io.policygate.policy;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.policygate.journal.JobState;
import io.policygate.testing.ConfigMapPolicies;
import io.policygate.testing.FakeGitLab;
import io.policygate.testing.GitLabStubs;
import io.policygate.testing.InjectPolicyDir;
import io.policygate.testing.Payloads;
import io.policygate.testing.ServiceTest;
import io.policygate.testing.Webhooks;
import io.policygate.testing.WritablePolicies;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Who approved, and when changes may go in, in the running service: an approvals rule reads GitLab's approvals (and a
 * group's members) for each evaluation, so GitLab's webhook on approval turns a failure into a pass; a change window
 * turns an open merge request's pass into a failure when a freeze starts, and back when it ends, with no webhook.
 */
@QuarkusTest
@TestProfile(WritablePolicies.class)
class ChangeControlsInServiceTest extends ServiceTest {

    private static final String APPROVALS = "/api/v4/projects/6/merge_requests/7901/approvals";

    @InjectPolicyDir
    ConfigMapPolicies configMap;

    private static String mergeRequest(int iid, String action) {
        ObjectNode payload = Payloads.json(Payloads.SAMPLE);
        ObjectNode attributes = (ObjectNode) payload.get("object_attributes");
        attributes
                .put("iid", iid)
                .put("action", action)
                .putObject("last_commit")
                .put("id", Payloads.sha(iid));
        return Payloads.write(payload);
    }

    private String judged(int iid, String action) {
        String id = Webhooks.accept(mergeRequest(iid, action));
        journal.awaitState(id, JobState.REPORTED);
        return id;
    }

    private void approvedBy(String approvals) {
        gitlab.stubFor(
                get(urlPathEqualTo(APPROVALS)).willReturn(GitLabStubs.json("{\"approved_by\":[" + approvals + "]}")));
    }

    /** The evaluation as the history API gives it. */
    private static String evaluation(String id) {
        return given().header("Authorization", "Bearer test-api-token")
                .get("/api/v1/evaluations/" + id)
                .then()
                .statusCode(200)
                .extract()
                .asString();
    }

    @Test
    void anApprovalFromTheComplianceGroupTurnsTheCheckGreenWhenGitLabSaysItCame() {
        configMap.publishAndAwait(Map.of(
                "approvals.yaml",
                "name: four-eyes\nrules:\n  - type: approvals\n    from: [\"@bank/compliance\"]\n"
                        + "    message: One approval from compliance, not by the author.\n"));
        gitlab.stubFor(get(urlPathEqualTo("/api/v4/groups/bank%2Fcompliance/members/all"))
                .willReturn(GitLabStubs.json("[{\"id\":21,\"username\":\"carol\"}]")));
        approvedBy("{\"user\":{\"id\":1,\"username\":\"root\",\"name\":\"Administrator\"}}");

        String first = judged(7901, "open");
        assertEquals("failed", FakeGitLab.SHARED.status(6, 7901, 1, Payloads.sha(7901)));
        assertTrue(
                evaluation(first).contains("\"approvals\":[\"root: does not count, the author\"],\"counting\":0"),
                evaluation(first));

        approvedBy("{\"user\":{\"id\":1,\"username\":\"root\",\"name\":\"Administrator\"}},"
                + "{\"user\":{\"id\":21,\"username\":\"carol\",\"name\":\"Carol\"},"
                + "\"approved_at\":\"2026-12-07T10:15:00.000Z\"}");
        String second = judged(7901, "approved");
        assertEquals("passed", FakeGitLab.SHARED.status(6, 7901, 1, Payloads.sha(7901)));
        assertTrue(evaluation(second).contains("carol at 2026-12-07T10:15:00Z: counts"), evaluation(second));
    }

    @Test
    void aFreezeFailsAnOpenMergeRequestWhenItStartsAndPassesItWhenItEndsWithoutAWebhook() {
        LocalDateTime now = LocalDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS);
        configMap.publishAndAwait(Map.of(
                "window.yaml",
                "name: freeze\nrules:\n  - type: window\n    freeze:\n      - {from: \"" + now.plusSeconds(4)
                        + "\", to: \"" + now.plusSeconds(8) + "\", reason: Release freeze}\n"));
        judged(7902, "open");
        String sha = Payloads.sha(7902);
        assertEquals("passed", FakeGitLab.SHARED.status(6, 7902, 1, sha));

        await().atMost(Duration.ofSeconds(15)).until(() -> "failed".equals(FakeGitLab.SHARED.status(6, 7902, 1, sha)));
        String edge = evaluation(journal.newestIdOf(6, 7902));
        assertTrue(edge.contains("\"origin\":\"window\""), "asked for by the window's edge: " + edge);
        assertTrue(edge.contains("no merges during Release freeze"), edge);
        await().atMost(Duration.ofSeconds(15)).until(() -> "passed".equals(FakeGitLab.SHARED.status(6, 7902, 1, sha)));
    }
}
