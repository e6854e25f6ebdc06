package io.policygate.policy;

import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.policygate.journal.JobState;
import io.policygate.testing.ConfigMapPolicies;
import io.policygate.testing.InjectPolicyDir;
import io.policygate.testing.Payloads;
import io.policygate.testing.ServiceTest;
import io.policygate.testing.Webhooks;
import io.policygate.testing.WritablePolicies;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.specification.RequestSpecification;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * mode: audit, end to end: audited policies and rules are evaluated, stored and shown, never fail the
 * check, and the history and metrics tell how many merge requests they would block.
 */
@QuarkusTest
@TestProfile(WritablePolicies.class)
class AuditModeTest extends ServiceTest {

    /** compliance-review audited as a whole; jira-ticket enforced, with an audited second rule. */
    private static final Map<String, String> POLICIES = Map.of(
            "compliance-review.yaml",
                    "name: compliance-review\nmode: audit\nrules:\n  - type: expression\n"
                            + "    expr: \"mergeRequest.labels.exists(l, l == 'compliance-reviewed')\"\n"
                            + "    message: Needs the compliance-reviewed label.\n",
            "jira-ticket.yaml",
                    "name: jira-ticket\nrules:\n  - type: ticket\n    in: [title]\n"
                            + "  - type: title\n    pattern: '^[A-Z]+-[0-9]+ .+'\n    mode: audit\n"
                            + "    message: Start the title with the ticket.\n");

    @InjectPolicyDir
    ConfigMapPolicies configMap;

    @BeforeEach
    void auditedPolicies() {
        configMap.publishAndAwait(POLICIES);
    }

    private static RequestSpecification api() {
        return given().header("Authorization", "Bearer test-api-token");
    }

    private String evaluate(int iid, String title, String... labels) {
        ObjectNode payload = Payloads.json(Payloads.SAMPLE);
        ObjectNode attributes = (ObjectNode) payload.get("object_attributes");
        attributes.put("iid", iid).put("title", title).putObject("last_commit").put("id", Payloads.sha(iid));
        for (String label : labels) {
            attributes.withArray("labels").addObject().put("title", label);
        }
        String id = Webhooks.accept(Payloads.write(payload));
        journal.awaitState(id, JobState.REPORTED);
        return id;
    }

    @Test
    void auditFindingsAreRecordedButGitLabHearsPassed() {
        String id = evaluate(9501, "Fix the README for PAY-12");

        gitlab.verify(postRequestedFor(urlPathEqualTo("/api/v4/projects/6/merge_requests/9501/status_check_responses"))
                .withRequestBody(
                        equalToJson("{\"sha\":\"" + Payloads.sha(9501) + "\",\"status\":\"passed\"}", true, true)));
        api().get("/api/v1/evaluations/" + id)
                .then()
                .statusCode(200)
                .body("evaluation.verdict", equalTo("passed"))
                .body("evaluation.ifEnforced", equalTo("failed"))
                .body("verdict.summary", equalTo("passed; audit only, would fail: compliance-review, jira-ticket"))
                .body("verdict.policies.find { it.policy == 'compliance-review' }.blocking", equalTo(false))
                .body("verdict.policies.find { it.policy == 'compliance-review' }.failed", equalTo(true))
                .body(
                        "verdict.policies.find { it.policy == 'jira-ticket' }.rules.mode",
                        equalTo(java.util.List.of("enforce", "audit")))
                .body("verdict.policies.find { it.policy == 'jira-ticket' }.rules[1].outcome", equalTo("failed"));
    }

    @Test
    void theHistoryAndTheMetricsCountWhatAuditedPoliciesWouldBlock() {
        String wouldFail = evaluate(9511, "PAY-13 Fix the README");
        String clean = evaluate(9512, "PAY-14 Fix the README", "compliance-reviewed");
        evaluate(9513, "Fix PAY-15 in the README", "compliance-reviewed");

        api().get("/api/v1/evaluations?status=passed&ifEnforced=failed&limit=200")
                .then()
                .statusCode(200)
                .body("evaluations.id", hasItem(wouldFail))
                .body("evaluations.id", not(hasItem(clean)));
        api().get("/api/v1/evaluations?ifEnforced=maybe").then().statusCode(400).body("field", equalTo("ifEnforced"));
        String metrics =
                given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.contains("policy_gate_verdicts_total{if_enforced=\"failed\",status=\"passed\"}"), metrics);
        // Per policy, what only audited rules failed is apart from what failed the check: a whole audited
        // policy, and an audited rule of an enforced one.
        assertTrue(
                metrics.contains("policy_gate_policy_results_total{mode=\"audit\",policy=\"compliance-review\","
                        + "result=\"audit-failed\"}"),
                metrics);
        assertTrue(
                metrics.contains("policy_gate_policy_results_total{mode=\"enforce\",policy=\"jira-ticket\","
                        + "result=\"audit-failed\"}"),
                metrics);
        given().auth()
                .preemptive()
                .basic("x", "test-api-token")
                .get("/?ifEnforced=failed")
                .then()
                .statusCode(200)
                .body(containsString("would fail when enforced"));
    }

    @Test
    void theNoteListsAuditFindingsApartFromWhatFails() {
        String id = evaluate(9521, "Fix the README");

        journal.awaitNoteResult(id);
        String note = gitlab.findAll(postRequestedFor(urlPathEqualTo("/api/v4/projects/6/merge_requests/9521/notes")))
                .get(0)
                .getBodyAsString();
        int audit = note.indexOf("**Audit only**");
        assertTrue(audit > 0, note);
        assertTrue(note.indexOf("**jira-ticket** (`ticket`)") < audit, note);
        assertTrue(note.indexOf("**compliance-review** (`expression`)") > audit, note);
        assertTrue(note.indexOf("**jira-ticket** (`title`)") > audit, note);
        given().auth()
                .preemptive()
                .basic("x", "test-api-token")
                .get("/evaluations/" + id)
                .then()
                .statusCode(200)
                .body(containsString("would fail when enforced"))
                .body(containsString("audit only"));
    }
}
