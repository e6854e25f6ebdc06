package io.policygate.coverage;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.policygate.journal.JobState;
import io.policygate.testing.FakeGitLab;
import io.policygate.testing.GitLabWireMock;
import io.policygate.testing.Payloads;
import io.policygate.testing.Webhooks;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Is the gate in place? Each sweep judges every covered project's posture from GitLab (policy-gate's check there,
 * signed, covering the policies' branches; "Status checks must succeed" on; no recent ungated merge) and says what is
 * wrong in plain language: API, page, gauge, and a log line when it changes.
 */
@QuarkusTest
@WithTestResource(GitLabWireMock.class)
class GatePostureTest extends CoverageTest {

    private static final String PROJECT = "flightjs/Flight";

    @Override
    String loggerName() {
        return "io.policygate.coverage.GatePosture";
    }

    private static List<String> problems() {
        return api().get("/api/v1/projects")
                .then()
                .statusCode(200)
                .body("projects", hasSize(1))
                .body("projects[0].id", equalTo(6))
                .body("projects[0].path", equalTo(PROJECT))
                .extract()
                .jsonPath()
                .getList("projects[0].problems", String.class);
    }

    private static String gauge() {
        String metrics =
                given().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher value = Pattern.compile(
                        "(?m)^policy_gate_project_posture_ok\\{project=\"" + Pattern.quote(PROJECT) + "\"} (\\S+)$")
                .matcher(metrics);
        return value.find() ? value.group(1) : "absent";
    }

    @Test
    void aProjectsPostureSaysWhatIsMissingAndChangesAreLoggedOnce() {
        journal.awaitState(Webhooks.accept(Payloads.raw(Payloads.COMPLIANT)), JobState.REPORTED);
        FakeGitLab.SHARED.statusChecksMustSucceed(6, true);

        sweep.sweep();

        assertEquals(List.of(), problems());
        api().get("/api/v1/projects").then().body("projects[0].ok", equalTo(true));
        assertEquals("1.0", gauge());

        // A Maintainer switches "Status checks must succeed" off, narrows the check to develop and drops its secret.
        FakeGitLab.SHARED.statusChecksMustSucceed(6, false);
        FakeGitLab.SHARED.unsigned(1);
        FakeGitLab.SHARED.update(
                6,
                4,
                mr -> mr.withChecks(new FakeGitLab.Check(1, "QA", FakeGitLab.POLICY_GATE_URL, List.of("develop"))));

        sweep.sweep();

        List<String> problems = problems();
        assertEquals(3, problems.size(), problems.toString());
        assertTrue(problems.contains("status check \"QA\" has no HMAC secret: GitLab signs nothing it sends for it"));
        assertTrue(problems.contains("the policies apply to every branch, but policy-gate's check does not apply to"
                + " the default branch main (it applies to: develop)"));
        assertTrue(problems.contains("\"Status checks must succeed\" is off: merge requests can merge while"
                + " policy-gate's check fails or is pending (Settings > Merge requests; register"
                + " --require-status-checks turns it on)"));
        assertEquals("0.0", gauge());
        assertTrue(
                warnings.anyContains("Gate posture of flightjs/Flight got worse: status check \"QA\" has no HMAC"),
                "one WARN names the project and what got worse");
        long warned = warnings.count();
        sweep.sweep();
        assertEquals(warned, warnings.count(), "an unchanged posture is not logged again");

        api().get("/projects")
                .then()
                .statusCode(200)
                .body(containsString("1 project, 1 not ok."))
                .body(containsString("has no HMAC secret"));

        // The check is removed altogether; a merge goes through without policy-gate's pass.
        FakeGitLab.SHARED.removeCheck(6, 1);
        FakeGitLab.SHARED.put(FakeGitLab.MergeRequest.opened(6, PROJECT, 42, Payloads.sha(42), "no ticket", List.of()));
        FakeGitLab.SHARED.merge(6, 42, "mallory");
        sweep.sweep();

        problems = problems();
        assertTrue(
                problems.contains("no status check of the project calls policy-gate: it was removed (policy-gate"
                        + " register sets one up)"),
                problems.toString());
        assertTrue(
                problems.contains("1 merge without policy-gate's pass in the last 30 days (the latest: !42)"),
                problems.toString());
        assertFalse(problems.stream().anyMatch(p -> p.contains("HMAC")), "no check of ours is left to be unsigned");
        api().get("/api/v1/projects").then().body("projects.ok", hasItem(false));
    }
}
