package io.policygate.reconcile;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.policygate.journal.Job;
import io.policygate.journal.JobState;
import io.policygate.testing.FakeGitLab;
import io.policygate.testing.GitLabStubs;
import io.policygate.testing.GitLabWireMock;
import io.policygate.testing.LoggedWarnings;
import io.policygate.testing.Payloads;
import io.policygate.testing.ServiceTest;
import io.policygate.testing.Webhooks;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * GitLab lets any Developer of a project post {@code passed} to a status check. policy-gate notices a pass it did
 * not give in its reconciliation sweep, posts its verdict over it and records the evaluation as tampered: in the
 * history, on the page, in a metric, a WARN log line and the merge request note.
 */
@QuarkusTest
@WithTestResource(GitLabWireMock.class)
class ForgedStatusTest extends ServiceTest {

    @Inject
    ReconciliationSweep sweep;

    private final LoggedWarnings warnings = new LoggedWarnings("io.policygate.worker.Evaluator");

    @BeforeEach
    void listen() {
        warnings.listen();
    }

    @AfterEach
    void stopListening() {
        warnings.stop();
    }

    private static double tamperedTotal() {
        String metrics =
                given().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines()
                .filter(l -> l.startsWith("policy_gate_tampered_total "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    @Test
    void aPassSomeoneElsePostsOverAFailureIsReplacedRecordedAndExplained() {
        String first = Webhooks.accept(Payloads.raw(Payloads.SAMPLE));
        assertEquals("failed", journal.awaitState(first, JobState.REPORTED).verdict());
        journal.awaitNoteResult(first);
        double before = tamperedTotal();

        // A Developer of the project posts passed to policy-gate's check, as GitLab's API allows.
        FakeGitLab.SHARED.postStatus(6, 4, 1, Payloads.SAMPLE_SHA, "passed");
        gitlab.resetRequests();
        assertEquals(1, sweep.sweep().queued());

        Job job = journal.awaitState(journal.newestIdOf(6, 4), JobState.REPORTED);
        assertEquals("failed", job.verdict());
        assertEquals("failed", FakeGitLab.SHARED.status(6, 4, 1, Payloads.SAMPLE_SHA), "policy-gate's verdict is back");
        assertNotNull(job.tampered());
        assertTrue(
                job.tampered()
                        .contains(
                                "GitLab showed passed for status check 1 at " + Payloads.SAMPLE_SHA
                                        + ", which policy-gate had not given (the last verdict it posted for this commit: failed)"),
                job.tampered());
        assertEquals(before + 1, tamperedTotal());
        assertTrue(
                warnings.anyContains("Tampered status on project 6 merge request !4"),
                "a WARN line names project and merge request");

        given().header("Authorization", "Bearer test-api-token")
                .get("/api/v1/evaluations?tampered=true")
                .then()
                .statusCode(200)
                .body("evaluations.id", hasItem(job.id()))
                .body("evaluations.id", not(hasItem(first)))
                .body("evaluations.find { it.id == '" + job.id() + "' }.tampered", containsString("had not given"));
        given().header("Authorization", "Bearer test-api-token")
                .get("/api/v1/evaluations/" + job.id())
                .then()
                .body("evaluation.tampered", containsString("replaces it"));
        given().auth()
                .preemptive()
                .basic("alice", "test-api-token")
                .get("/evaluations/" + job.id())
                .then()
                .statusCode(200)
                .body(containsString("GitLab showed a status policy-gate had not given"));

        journal.awaitNoteResult(job.id());
        List<LoggedRequest> notes =
                new ArrayList<>(gitlab.findAll(putRequestedFor(urlPathMatching(GitLabStubs.NOTES_PATH + "/\\d+"))));
        notes.addAll(gitlab.findAll(postRequestedFor(urlPathMatching(GitLabStubs.NOTES_PATH))));
        assertTrue(
                notes.stream().anyMatch(n -> n.getBodyAsString().contains("GitLab showed this check as **passed**")),
                "the merge request note says so");
    }

    @Test
    void aPassPostedBeforePolicyGatesFirstVerdictIsReplacedByThatVerdict() {
        String sha = Payloads.sha(9401);
        String body = Payloads.forMergeRequest(Payloads.SAMPLE, 9401, sha);
        FakeGitLab.SHARED.sent(body);
        FakeGitLab.SHARED.postStatus(6, 9401, 1, sha, "passed");

        Job job = journal.awaitState(Webhooks.accept(body), JobState.REPORTED);

        assertEquals("failed", job.verdict());
        assertEquals("failed", FakeGitLab.SHARED.status(6, 9401, 1, sha), "GitLab shows the newest status");
        // A verdict reads no status (that call is the sweep's): the pass it replaced is not seen, and what stands
        // is policy-gate's own, so the sweep has nothing to queue.
        assertNull(job.tampered());
        assertEquals(0, sweep.sweep().queued());
    }

    @Test
    void policyGatesOwnPassIsNotTampering() {
        String sha = Payloads.sha(9402);
        String body = Payloads.forMergeRequest(Payloads.COMPLIANT, 9402, sha);
        String id = Webhooks.accept(body);
        assertNull(journal.awaitState(id, JobState.REPORTED).tampered());
        assertEquals("passed", FakeGitLab.SHARED.status(6, 9402, 1, sha));

        assertEquals(0, sweep.sweep().queued(), "GitLab shows what policy-gate posted");
        String again = Webhooks.accept(body);
        assertNull(journal.awaitState(again, JobState.REPORTED).tampered());
        given().header("Authorization", "Bearer test-api-token")
                .get("/api/v1/evaluations?tampered=true")
                .then()
                .body("evaluations.id", not(hasItem(id)))
                .body("evaluations.id", not(hasItem(again)));
    }

    @Test
    void theHistoryRefusesATamperedFilterThatIsNotTrueOrFalse() {
        given().header("Authorization", "Bearer test-api-token")
                .get("/api/v1/evaluations?tampered=maybe")
                .then()
                .statusCode(400)
                .body("field", equalTo("tampered"));
    }
}
