package io.policygate.coverage;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.policygate.journal.JobState;
import io.policygate.testing.FakeGitLab;
import io.policygate.testing.GitLabWireMock;
import io.policygate.testing.Payloads;
import io.policygate.testing.Webhooks;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Did every change that reached a covered project's branch pass the gate? The sweep lists the merges since the last
 * sweep, records each with whether policy-gate's own verdict on the merged commit was passed, and says why not:
 * through the API, the page, the overview, the export, a metric and a note on the merge request.
 */
@QuarkusTest
@WithTestResource(GitLabWireMock.class)
class MergeAuditTest extends CoverageTest {

    private static final String MRS = "/api/v4/projects/6/merge_requests";
    private static final String PROJECT = "flightjs/Flight";

    @Override
    String loggerName() {
        return "io.policygate.coverage.MergeAudit";
    }

    /** Merge request {@code iid} of project 6 at {@code sha}, into main, with policy-gate's check unless told. */
    private static FakeGitLab.MergeRequest mr(int iid, String title, String... labels) {
        return FakeGitLab.MergeRequest.opened(
                6,
                PROJECT,
                iid,
                Payloads.sha(iid),
                title,
                List.of(labels),
                new FakeGitLab.Check(1, "QA", FakeGitLab.POLICY_GATE_URL));
    }

    private static double ungatedCounted() {
        String metrics =
                given().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher value = Pattern.compile(
                        "(?m)^policy_gate_ungated_merges_total\\{project=\"" + Pattern.quote(PROJECT) + "\"} (\\S+)$")
                .matcher(metrics);
        return value.find() ? Double.parseDouble(value.group(1)) : 0;
    }

    @Test
    void everyMergeIsRecordedGatedOrWithWhyNot() {
        // Project 6 is covered from its first webhook on: merge request 4 passes.
        journal.awaitState(Webhooks.accept(Payloads.raw(Payloads.COMPLIANT)), JobState.REPORTED);
        FakeGitLab.SHARED.put(mr(41, "no ticket"));
        FakeGitLab.SHARED.put(mr(43, "PAY-43 reviewed", "compliance-reviewed"));
        FakeGitLab.SHARED.put(mr(44, "no ticket either"));
        FakeGitLab.SHARED.put(mr(45, "PAY-45 reviewed", "compliance-reviewed")
                .withChecks(new FakeGitLab.Check(9, "other", "https://other.example.com/hook")));
        // The first sweep lists open merge requests only (no merge before it is judged) and judges 41, 43 and 44.
        assertEquals(3, sweep.sweep().queued());
        await().atMost(Duration.ofSeconds(20)).until(() -> journal.unfinishedCount() == 0);

        // 43 gets a new commit no webhook told of; a Developer posts passed over 44's failed; 42 is new.
        FakeGitLab.SHARED.update(6, 43, mr -> mr.withHead(Payloads.sha(143)));
        FakeGitLab.SHARED.postStatus(6, 44, 1, Payloads.sha(44), "passed");
        FakeGitLab.SHARED.put(mr(42, "PAY-42 reviewed", "compliance-reviewed"));
        for (int iid : List.of(4, 41, 42, 43, 44, 45)) {
            FakeGitLab.SHARED.merge(6, iid, iid == 4 ? "alice" : "mallory");
        }
        double counted = ungatedCounted();
        gitlab.resetRequests();

        sweep.sweep();

        JsonPath merges = api().get("/api/v1/merges?project=" + PROJECT)
                .then()
                .statusCode(200)
                .body("merges", hasSize(6))
                .extract()
                .jsonPath();
        Map<Integer, Map<String, Object>> byIid = merges.<Map<String, Object>>getList("merges").stream()
                .collect(Collectors.toMap(m -> (Integer) m.get("mergeRequestIid"), m -> m));
        Map<String, Object> gated = byIid.get(4);
        assertEquals(true, gated.get("gated"));
        assertEquals("alice", gated.get("mergedBy"));
        assertEquals(journal.newestIdOf(6, 4), gated.get("evaluationId"));
        assertEquals(PROJECT, gated.get("projectPath"));
        assertTrue(((String) gated.get("mergeCommitSha")).matches("[0-9a-f]{40}"));
        assertEquals(null, gated.get("reason"));
        assertEquals(
                "merged while policy-gate's verdict on " + Payloads.sha(41).substring(0, 8) + " was failed",
                byIid.get(41).get("reason"));
        assertEquals(
                "never judged: policy-gate had no webhook for this merge request",
                byIid.get(42).get("reason"));
        assertEquals(
                "policy-gate judged only other commits (the newest "
                        + Payloads.sha(43).substring(0, 8) + "), not the merged "
                        + Payloads.sha(143).substring(0, 8),
                byIid.get(43).get("reason"));
        assertTrue(
                ((String) byIid.get(44).get("reason")).startsWith("status forged: GitLab showed policy-gate's check"),
                (String) byIid.get(44).get("reason"));
        assertEquals(
                "policy-gate's status check does not apply to this merge request: it was removed, or is limited to"
                        + " branches other than main",
                byIid.get(45).get("reason"),
                "45 of a covered project merged without policy-gate's check (it was deleted, say)");

        // A gated merge costs no read; an ungated one a read of its status checks, for why.
        gitlab.verify(0, getRequestedFor(urlPathEqualTo(MRS + "/4/status_checks")));
        gitlab.verify(1, getRequestedFor(urlPathEqualTo(MRS + "/41/status_checks")));
        // Each ungated merge: a WARN naming project, merge request and why, counted, and a note on its merge request.
        assertTrue(
                warnings.anyContains("Ungated merge: flightjs/Flight!42 merged at 00000000 by @mallory into main"
                        + " without policy-gate's pass: never judged"),
                "a WARN line names project, merge request and reason");
        assertEquals(counted + 5, ungatedCounted());
        for (int iid : List.of(41, 42, 43, 44, 45)) {
            gitlab.verify(
                    1,
                    postRequestedFor(urlPathEqualTo(MRS + "/" + iid + "/notes"))
                            .withRequestBody(containing("merged without policy-gate's pass")));
        }
        gitlab.verify(0, postRequestedFor(urlPathEqualTo(MRS + "/4/notes")));

        api().get("/api/v1/merges?gated=false&from=" + LocalDate.now(ZoneOffset.UTC))
                .then()
                .statusCode(200)
                .body("merges", hasSize(5))
                .body("merges[0].gated", equalTo(false));
        api().get("/api/v1/merges?gated=true")
                .then()
                .statusCode(200)
                .body("merges", hasSize(1))
                .body("merges[0].mergeRequestIid", equalTo(4))
                .body("merges[0].reason", nullValue());

        // The next sweep lists them again (its listing overlaps the last): nothing is recorded or told twice.
        gitlab.resetRequests();
        sweep.sweep();
        api().get("/api/v1/merges").then().statusCode(200).body("merges", hasSize(6));
        gitlab.verify(0, postRequestedFor(urlPathMatching(MRS + "/\\d+/notes")));
        assertEquals(counted + 5, ungatedCounted());

        // The page lists the ungated ones with why; the overview counts them; the export has every merge.
        api().get("/merges?gated=false")
                .then()
                .statusCode(200)
                .body(containsString("5 merges, 5 without policy-gate's pass"))
                .body(containsString("never judged: policy-gate had no webhook for this merge request"))
                .body(containsString("http://example.com/flightjs/Flight/-/merge_requests/42"));
        api().get("/overview")
                .then()
                .statusCode(200)
                .body(containsString("6 merges of covered projects;"))
                .body(containsString("5 merged without policy-gate's pass"));
        String export = api().get(
                        "/api/v1/evaluations/export?kind=merges&format=jsonl&from=" + LocalDate.now(ZoneOffset.UTC))
                .then()
                .statusCode(200)
                .header("Content-Disposition", containsString("policy-gate-merges-"))
                .extract()
                .asString();
        assertEquals(6, export.lines().count(), export);
        assertTrue(export.contains("\"mergedBy\":\"mallory\""), export);
    }

    @Test
    void badFiltersAreRefusedNamingTheParameter() {
        api().get("/api/v1/merges?from=yesterday")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString("from must be a day (2026-12-01)"));
        api().get("/api/v1/merges?gated=maybe")
                .then()
                .statusCode(400)
                .body("detail", equalTo("gated must be true or false"));
        api().get("/api/v1/merges?from=2026-12-07&to=2026-12-01")
                .then()
                .statusCode(400)
                .body("detail", containsString("to must be after from"));
        api().get("/api/v1/evaluations/export?kind=pushes&from=2026-12-01")
                .then()
                .statusCode(400)
                .body("detail", equalTo("kind must be evaluations or merges"));
        given().get("/api/v1/merges").then().statusCode(401);
    }
}
