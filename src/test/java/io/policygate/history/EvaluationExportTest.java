package io.policygate.history;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.policygate.journal.JobState;
import io.policygate.testing.GitLabWireMock;
import io.policygate.testing.Payloads;
import io.policygate.testing.ServiceTest;
import io.policygate.testing.Webhooks;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The audit export of a window of evaluations, as an auditor downloads it. */
@QuarkusTest
@WithTestResource(GitLabWireMock.class)
class EvaluationExportTest extends ServiceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static String export(String query) {
        return given().header("Authorization", "Bearer test-dashboard-token")
                .get("/api/v1/evaluations/export?" + query)
                .then()
                .statusCode(200)
                .extract()
                .asString();
    }

    @Test
    void everyEvaluationOfTheWindowIsExportedAsCsvAndAsJsonLines() throws Exception {
        Instant before = Instant.now().minus(1, ChronoUnit.SECONDS);
        List<String> ids = new ArrayList<>();
        for (int iid = 7711; iid <= 7713; iid++) {
            String id = Webhooks.accept(Payloads.forMergeRequest(Payloads.SAMPLE, iid, Payloads.sha(iid)));
            journal.awaitState(id, JobState.REPORTED);
            ids.add(id);
        }
        String window = "from=" + before + "&to=" + Instant.now().plus(1, ChronoUnit.SECONDS);

        given().header("Authorization", "Bearer test-dashboard-token")
                .get("/api/v1/evaluations/export?" + window)
                .then()
                .statusCode(200)
                .contentType("text/csv")
                .header(
                        "Content-Disposition",
                        org.hamcrest.Matchers.startsWith("attachment; filename=\"policy-gate-evaluations-"));
        String[] csv = export(window).split("\r\n");
        assertEquals(
                "id,createdAt,finishedAt,projectId,projectPath,mergeRequestIid,sha,checkId,state,verdict,"
                        + "verdictIfEnforced,policyFiles,policySource,policyCommit,waivers,reportOutcome,reportStatus,tampered,signed",
                csv[0]);
        // Other tests' evaluations may share the window: ours are there, in order.
        List<String> ours = java.util.Arrays.stream(csv)
                .filter(line -> ids.stream().anyMatch(line::startsWith))
                .toList();
        assertEquals(3, ours.size(), String.join("\n", csv));
        for (int i = 0; i < 3; i++) {
            String line = ours.get(i);
            assertTrue(line.startsWith(ids.get(i) + ","), line);
            assertTrue(line.contains("," + Payloads.sha(7711 + i) + ",1,reported,failed,failed,"), line);
            assertTrue(line.contains("policies/jira-ticket.yaml "), line);
            assertTrue(line.endsWith(",,delivered,201,false,true"), line);
        }

        List<JsonNode> lines = new ArrayList<>();
        for (String line : export(window + "&format=jsonl").split("\n")) {
            lines.add(JSON.readTree(line));
        }
        lines.removeIf(l -> !ids.contains(l.path("id").asText()));
        assertEquals(ids, lines.stream().map(l -> l.path("id").asText()).toList());
        assertEquals(7711, lines.get(0).path("mergeRequestIid").asLong());
        assertTrue(lines.get(0).path("policyFiles").isArray());
        assertEquals(201, lines.get(0).path("reportStatus").asInt());

        // A window before them holds none of them.
        String earlier = export("from=2020-01-01&to=2020-01-02");
        assertEquals(1, earlier.split("\r\n").length, earlier);
    }

    @Test
    void aCellThatASpreadsheetWouldRunIsExportedAsText() {
        Instant before = Instant.now().minus(1, ChronoUnit.SECONDS);
        // A signed body GitLab did not build, for a merge request GitLab does not know: the job dies, and the
        // project's path it keeps is the body's.
        com.fasterxml.jackson.databind.node.ObjectNode event = Payloads.json(Payloads.SAMPLE);
        event.withObject("/object_attributes").put("iid", 7799);
        event.withObject("/object_attributes/last_commit").put("id", Payloads.sha(7799));
        event.withObject("/project").put("path_with_namespace", "=HYPERLINK(\"https://evil.example\",\"open\")");
        String body = Payloads.write(event);
        String id = Webhooks.forged(body)
                .post("/webhooks/gitlab")
                .then()
                .statusCode(202)
                .extract()
                .path("evaluationId");
        journal.awaitState(id, JobState.DEAD);

        String line = java.util.Arrays.stream(
                        export("from=" + before + "&to=" + Instant.now().plus(1, ChronoUnit.SECONDS))
                                .split("\r\n"))
                .filter(l -> l.startsWith(id))
                .findFirst()
                .orElseThrow();
        assertTrue(line.contains(",\"'=HYPERLINK(\"\"https://evil.example\"\",\"\"open\"\")\","), line);
        for (String risky : List.of("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx")) {
            assertEquals("'" + risky, EvaluationExport.inert(risky));
        }
        assertEquals("payments/api", EvaluationExport.inert("payments/api"));
    }

    @Test
    void aWindowThatIsNotOneIsRefusedNamingTheParameter() {
        for (String[] bad : new String[][] {
            {"", "from"},
            {"from=yesterday", "from"},
            {"from=2026-12-02&to=2026-12-01", "to"},
            {"from=2026-12-01&format=xml", "format"}
        }) {
            given().header("Authorization", "Bearer test-dashboard-token")
                    .get("/api/v1/evaluations/export" + (bad[0].isEmpty() ? "" : "?" + bad[0]))
                    .then()
                    .statusCode(400)
                    .contentType("application/problem+json")
                    .body("field", org.hamcrest.Matchers.equalTo(bad[1]));
        }
    }
}
