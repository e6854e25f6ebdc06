package io.policygate.policy;

import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.policygate.event.Origin;
import io.policygate.journal.JobState;
import io.policygate.reconcile.ReconciliationSweep;
import io.policygate.testing.CommandLineRun;
import io.policygate.testing.ConfigMapPolicies;
import io.policygate.testing.InjectPolicyDir;
import io.policygate.testing.Payloads;
import io.policygate.testing.ServiceTest;
import io.policygate.testing.Webhooks;
import io.policygate.testing.WritablePolicies;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Waivers end to end: a waiver in force turns a failing rule into a waived one that GitLab hears as passed, and says
 * so, apart from audit findings, in the API, the note, the pages, the metrics, the history's filters, the export and
 * the signed decision record; an expired one no longer applies; the pages list those about to expire; a bad waiver
 * file is refused and the last good set stays; the reconciliation sweep evaluates again a pass whose waiver ended. The decision record's waiver is read back by verify-attestation. Dates are relative to today, as the service's clock is.
 */
@QuarkusTest
@TestProfile(WritablePolicies.class)
class WaiversInServiceTest extends ServiceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final LocalDate TODAY = LocalDate.now(ZoneOffset.UTC);

    private static final String POLICIES = "name: jira-ticket\nrules:\n  - type: ticket\n    in: [title]\n"
            + "    message: Reference a ticket such as PAY-123.\n"
            + "---\nname: compliance-review\nmode: audit\nrules:\n  - type: labels\n    require: [compliance-reviewed]\n";

    private static String waiver(String id, int mergeRequest, LocalDate approvedOn, LocalDate expires) {
        return "id: " + id + "\npolicy: jira-ticket\nrule: ticket\nprojects: [\"flightjs/*\"]\nmergeRequest: "
                + mergeRequest + "\nreason: Vendor import; the ticket is tracked in PAY-900.\n"
                + "approvedBy: jane.doe\napprovedOn: " + approvedOn + "\nexpires: " + expires + "\n";
    }

    private static final Map<String, String> FILES = Map.of(
            "policies.yaml",
            POLICIES,
            "waivers/vendor.yaml",
            String.join(
                    "---\n",
                    waiver("W-IN", 7801, TODAY.minusDays(10), TODAY.plusDays(30)),
                    waiver("W-SOON", 7802, TODAY.minusDays(80), TODAY.plusDays(3))),
            "waivers/old.yaml",
            waiver("W-OLD", 7803, TODAY.minusDays(40), TODAY.minusDays(1)));

    @InjectPolicyDir
    ConfigMapPolicies configMap;

    @Inject
    ReconciliationSweep sweep;

    @BeforeEach
    void policiesWithWaivers() {
        configMap.publishAndAwait(FILES);
    }

    private static RequestSpecification api() {
        return given().header("Authorization", "Bearer test-api-token");
    }

    private static RequestSpecification pages() {
        return given().auth().preemptive().basic("x", "test-api-token");
    }

    /** A merge request with no ticket in its title and no label: jira-ticket fails it, compliance-review audits it. */
    private String evaluate(int iid) {
        ObjectNode payload = Payloads.json(Payloads.SAMPLE);
        ObjectNode attributes = (ObjectNode) payload.get("object_attributes");
        attributes
                .put("iid", iid)
                .put("title", "Import the vendor's client")
                .putObject("last_commit")
                .put("id", Payloads.sha(iid));
        String id = Webhooks.accept(Payloads.write(payload));
        journal.awaitState(id, JobState.REPORTED);
        return id;
    }

    private void assertPosted(int iid, String status) {
        gitlab.verify(
                postRequestedFor(urlPathEqualTo("/api/v4/projects/6/merge_requests/" + iid + "/status_check_responses"))
                        .withRequestBody(equalToJson(
                                "{\"sha\":\"" + Payloads.sha(iid) + "\",\"status\":\"" + status + "\"}", true, true)));
    }

    @Test
    void aWaivedRuleDoesNotFailTheCheckAndEverySurfaceSaysWhoExcusedItUntilWhen() throws IOException {
        String id = evaluate(7801);
        String expires = TODAY.plusDays(30).toString();

        assertPosted(7801, "passed");
        api().get("/api/v1/evaluations/" + id)
                .then()
                .statusCode(200)
                .body("evaluation.verdict", equalTo("passed"))
                .body("evaluation.waivers", equalTo(List.of("W-IN")))
                // The audit finding stays an audit finding: with audits enforced it would fail, waiver or not.
                .body("evaluation.ifEnforced", equalTo("failed"))
                .body(
                        "verdict.summary",
                        equalTo("passed; audit only, would fail: compliance-review; waived: jira-ticket (W-IN)"))
                .body("verdict.policies[0].rules[0].outcome", equalTo("waived"))
                .body("verdict.policies[0].rules[0].message", equalTo("Reference a ticket such as PAY-123."))
                .body("verdict.policies[0].rules[0].waiver.id", equalTo("W-IN"))
                .body("verdict.policies[0].rules[0].waiver.approvedBy", equalTo("jane.doe"))
                .body("verdict.policies[0].rules[0].waiver.expires", equalTo(expires))
                .body("verdict.policies[0].rules[0].waiver.outcome", equalTo("failed"))
                .body("verdict.policies[1].rules[0].outcome", equalTo("failed"))
                .body("verdict.policies[1].rules[0].mode", equalTo("audit"));

        journal.awaitNoteResult(id);
        String note = gitlab.findAll(postRequestedFor(urlPathEqualTo("/api/v4/projects/6/merge_requests/7801/notes")))
                .get(0)
                .getBodyAsString();
        int audit = note.indexOf("**Audit only**");
        int waived = note.indexOf("**Waived**");
        assertTrue(audit > 0 && waived > audit, note);
        assertTrue(
                note.contains("**jira-ticket** (`ticket`): waived until " + expires
                        + " by jane.doe: Vendor import; the ticket is tracked in PAY-900. (waiver `W-IN`"),
                note);

        pages().get("/evaluations/" + id)
                .then()
                .statusCode(200)
                .body(containsString("<span class=\"badge waived\">waived</span>"))
                .body(containsString("Waived until " + expires + " by jane.doe"))
                .body(containsString("would fail when enforced"));

        pages().get("/overview")
                .then()
                .statusCode(200)
                .body(containsString("/?waived=true\">"))
                .body(containsString("passed a rule only through a waiver"));
        String metrics =
                given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.contains("policy_gate_waived_total{policy=\"jira-ticket\",waiver=\"W-IN\"}"), metrics);
        assertTrue(
                metrics.contains(
                        "policy_gate_policy_results_total{mode=\"enforce\",policy=\"jira-ticket\",result=\"waived\"}"),
                metrics);

        JsonNode envelope = JSON.readTree(api().get("/api/v1/evaluations/" + id + "/attestation")
                .then()
                .statusCode(200)
                .extract()
                .asString());
        JsonNode statement = JSON.readTree(
                Base64.getDecoder().decode(envelope.path("payload").asText()));
        JsonNode rule = statement.at("/predicate/policyResults/0/rules/0");
        assertEquals("waived", rule.path("outcome").asText());
        assertEquals("W-IN", rule.at("/waiver/id").asText());
        assertEquals(expires, rule.at("/waiver/expires").asText());
        assertEquals("PASSED", statement.at("/predicate/verificationResult").asText());
        assertTrue(
                statement.at("/predicate/inputAttestations").findValuesAsText("uri").stream()
                        .anyMatch(uri -> uri.endsWith("waivers/vendor.yaml")),
                statement.toString());

        Path record = Files.writeString(Files.createTempFile("waived", ".json"), envelope.toString());
        Path key = Files.writeString(
                Files.createTempFile("key", ".pem"),
                JSON.readTree(given().get("/api/v1/keys").then().extract().asString())
                        .at("/keys/0/publicKeyPem")
                        .asText());
        CommandLineRun verified = CommandLineRun.run(
                "verify-attestation", record.toString(), "--key", key.toString(), "--result", "passed");
        assertEquals(0, verified.exit(), verified.output());
        assertTrue(
                verified.output()
                        .contains("waived jira-ticket/ticket by W-IN (approved by jane.doe, until " + expires
                                + "): Vendor import; the ticket is tracked in PAY-900."),
                verified.output());

        String export = api().get("/api/v1/evaluations/export?format=jsonl&from=" + TODAY + "&to=" + TODAY)
                .then()
                .statusCode(200)
                .extract()
                .asString();
        JsonNode line = export.lines()
                .map(l -> {
                    try {
                        return JSON.readTree(l);
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                })
                .filter(l -> l.path("id").asText().equals(id))
                .findFirst()
                .orElseThrow();
        assertEquals("[\"W-IN\"]", line.path("waivers").toString());
    }

    @Test
    void anExpiredWaiverNoLongerAppliesAndTheHistoryFiltersTellWaivedFromNot() {
        String expired = evaluate(7803);
        String waived = evaluate(7801);

        assertPosted(7803, "failed");
        api().get("/api/v1/evaluations/" + expired)
                .then()
                .body("verdict.summary", equalTo("failed: jira-ticket; audit only, would fail: compliance-review"))
                .body("verdict.policies[0].rules[0].outcome", equalTo("failed"))
                .body("evaluation.waivers", equalTo(List.of()));
        api().get("/api/v1/evaluations?waived=true&limit=200")
                .then()
                .statusCode(200)
                .body("evaluations.id", hasItem(waived))
                .body("evaluations.id", not(hasItem(expired)));
        api().get("/api/v1/evaluations?waived=false&limit=200")
                .then()
                .body("evaluations.id", hasItem(expired))
                .body("evaluations.id", not(hasItem(waived)));
        api().get("/api/v1/evaluations?waiver=W-IN&limit=200")
                .then()
                .body("evaluations.id", hasItem(waived))
                .body("evaluations.id", not(hasItem(expired)));
        api().get("/api/v1/evaluations?waiver=W-OLD&limit=200").then().body("evaluations.id", not(hasItem(expired)));
        api().get("/api/v1/evaluations?waived=maybe").then().statusCode(400).body("field", equalTo("waived"));
        api().get("/api/v1/evaluations?waiver=W-1,W-2").then().statusCode(400).body("field", equalTo("waiver"));
        pages().get("/?waived=true")
                .then()
                .statusCode(200)
                .body(containsString("waived: W-IN"))
                .body(containsString("<option value=\"true\" selected>"));
    }

    @Test
    void thePagesAndTheApiListWaiversAndThoseAboutToExpire() {
        api().get("/api/v1/policies")
                .then()
                .statusCode(200)
                .body("waivers.id", equalTo(List.of("W-OLD", "W-SOON", "W-IN")))
                .body("waivers.state", equalTo(List.of("expired", "expiring", "in-force")))
                .body("waivers[0].matchesNothing", containsString("expired on " + TODAY.minusDays(1)))
                .body("waivers[1].daysLeft", equalTo(3))
                .body("waivers[2].rule", equalTo("rule 0 (ticket)"))
                .body("waivers[2].file", endsWith("waivers/vendor.yaml"));

        String index = pages().get("/").then().statusCode(200).extract().asString();
        int soon = index.indexOf("Waivers expiring soon (1)");
        assertTrue(soon > 0, index);
        String section = index.substring(soon, index.indexOf("</section>", soon));
        assertTrue(section.contains("W-SOON") && section.contains("3 days left"), section);
        assertTrue(!section.contains("W-IN") && !section.contains("W-OLD"), section);

        String overview =
                pages().get("/overview").then().statusCode(200).extract().asString();
        int inForce = overview.indexOf("Waivers in force");
        assertTrue(inForce > 0, overview);
        assertTrue(overview.indexOf("W-SOON", inForce) > 0 && overview.indexOf("W-IN", inForce) > 0, overview);
        assertTrue(!overview.contains("W-OLD"), overview);
    }

    @Test
    void theSweepEvaluatesAgainAMergeRequestWhosePassLeanedOnAWaiverThatEnded() {
        configMap.publishAndAwait(Map.of(
                "policies.yaml",
                POLICIES,
                "waivers/lapse.yaml",
                waiver("W-LAPSE", 7804, TODAY.minusDays(10), TODAY.plusDays(30))));
        evaluate(7804);
        assertPosted(7804, "passed");
        assertEquals(
                0,
                sweep.sweep(Map.of(6L, Set.of(1L)), Origin.RECONCILIATION).queued(),
                "nothing to do while the waiver applies");

        // The policy repository ends the waiver (here: its last day moved to yesterday).
        configMap.publishAndAwait(Map.of(
                "policies.yaml",
                POLICIES,
                "waivers/lapse.yaml",
                waiver("W-LAPSE", 7804, TODAY.minusDays(10), TODAY.minusDays(1))));
        assertEquals(
                1, sweep.sweep(Map.of(6L, Set.of(1L)), Origin.RECONCILIATION).queued());

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertPosted(7804, "failed"));
        api().get("/api/v1/evaluations?mr=7804&limit=1")
                .then()
                .body("evaluations[0].verdict", equalTo("failed"))
                .body("evaluations[0].waivers", equalTo(List.of()));
    }

    @Test
    void aBadWaiverFileIsRefusedNamingFileLineAndFieldAndTheLastGoodSetStays() {
        configMap.publish(Map.of(
                "policies.yaml",
                POLICIES,
                "waivers/vendor.yaml",
                waiver("W-IN", 7801, TODAY, TODAY.plusDays(91)),
                "waivers/old.yaml",
                waiver("W-OLD", 7803, TODAY.minusDays(40), TODAY.minusDays(1))));

        await().atMost(Duration.ofSeconds(10))
                .until(() -> !api().get("/api/v1/policies").then().extract().<Boolean>path("lastLoad.ok"));
        api().get("/api/v1/policies")
                .then()
                .body("lastLoad.errors[0].file", endsWith("waivers/vendor.yaml"))
                .body("lastLoad.errors[0].line", equalTo(9))
                .body("lastLoad.errors[0].field", equalTo("expires"))
                .body("lastLoad.errors[0].message", containsString("is more than 90 days after approvedOn"))
                .body("waivers.id", equalTo(List.of("W-OLD", "W-SOON", "W-IN")));
        pages().get("/").then().body(containsString("The latest policy change was rejected"));
    }
}
