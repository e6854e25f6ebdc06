package io.policygate.worker;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import io.policygate.journal.Job;
import io.policygate.journal.JobState;
import io.policygate.journal.MergeRequestNames;
import io.policygate.testing.FakeGitLab;
import io.policygate.testing.GitLabStubs;
import io.policygate.testing.GitLabWireMock;
import io.policygate.testing.Payloads;
import io.policygate.testing.ServiceTest;
import io.policygate.testing.Webhooks;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The body is a trigger, not evidence: whoever holds the webhook secret (every project's maintainers, when one
 * secret serves a group) can sign any body, and can at most make policy-gate look at GitLab again. Each test signs
 * a body that disagrees with what GitLab holds, and the verdict follows GitLab.
 */
@QuarkusTest
@WithTestResource(GitLabWireMock.class)
class GitLabFactsTest extends ServiceTest {

    private static final String MR = "/api/v4/projects/6/merge_requests/4";

    /** GitLab holds the sample merge request (no ticket, no label, into main) and nothing has been sent yet. */
    private static void gitlabHoldsTheSample() {
        FakeGitLab.SHARED.sent(Payloads.raw(Payloads.SAMPLE));
    }

    private static String forge(String body) {
        return Webhooks.forged(body)
                .when()
                .post("/webhooks/gitlab")
                .then()
                .statusCode(202)
                .extract()
                .path("evaluationId");
    }

    @Test
    void aSignedBodyClaimingATicketAndTheLabelIsJudgedByGitLabsMergeRequest() {
        gitlabHoldsTheSample();

        Job job = journal.awaitState(forge(Payloads.raw(Payloads.COMPLIANT)), JobState.REPORTED);

        assertEquals("failed", job.verdict());
        gitlab.verify(
                1,
                postRequestedFor(urlPathEqualTo(GitLabStubs.STATUS_PATH))
                        .withRequestBody(containing("\"status\":\"failed\"")));
        // The history says what was judged: GitLab's title and labels, not the body's.
        given().header("Authorization", "Bearer test-api-token")
                .get("/api/v1/evaluations/" + job.id())
                .then()
                .statusCode(200)
                .body("mergeRequest.factsFrom", equalTo("gitlab"))
                .body("mergeRequest.title", equalTo("Update README.md"))
                .body("mergeRequest.labels.size()", equalTo(0));
    }

    @Test
    void aBodyNamingAnotherTargetBranchOrProjectPathDoesNotMoveThePolicies() {
        gitlabHoldsTheSample();
        String body = Payloads.with(Payloads.SAMPLE, "/object_attributes/target_branch", "develop")
                .replace("flightjs/Flight", "sandbox/anything");

        Job job = journal.awaitState(forge(body), JobState.REPORTED);

        assertEquals("failed", job.verdict(), "GitLab says main: the policies for main apply");
        given().header("Authorization", "Bearer test-api-token")
                .get("/api/v1/evaluations/" + job.id())
                .then()
                .body("mergeRequest.targetBranch", equalTo("main"))
                .body("mergeRequest.projectPath", equalTo("flightjs/Flight"));
    }

    @Test
    void theHistoryNamesAMergeRequestAsTheWebhookDidUntilGitLabsFactsDecide() {
        gitlabHoldsTheSample();
        String body = Payloads.with(Payloads.SAMPLE, "/object_attributes/title", "Title the webhook claims")
                .replace("flightjs/Flight", "sandbox/anything");
        FakeGitLab.SHARED.hold(MR);
        String id;
        try {
            id = forge(body);
            // Stored with the job, before GitLab is asked: the list shows what the webhook said.
            assertEquals(
                    new MergeRequestNames("sandbox/anything", "Title the webhook claims", "QA"), journal.namesOf(id));
            given().header("Authorization", "Bearer test-api-token")
                    .get("/api/v1/evaluations?project=6&mr=4")
                    .then()
                    .body("evaluations.find { it.id == '" + id + "' }.title", equalTo("Title the webhook claims"))
                    .body("evaluations.find { it.id == '" + id + "' }.projectPath", equalTo("sandbox/anything"));
        } finally {
            FakeGitLab.SHARED.release(MR);
        }
        journal.awaitState(id, JobState.REPORTED);
        String title = FakeGitLab.SHARED.mergeRequest(6, 4).title();
        given().header("Authorization", "Bearer test-api-token")
                .get("/api/v1/evaluations?project=6&mr=4")
                .then()
                .body("evaluations.find { it.id == '" + id + "' }.title", equalTo(title))
                .body("evaluations.find { it.id == '" + id + "' }.projectPath", equalTo("flightjs/Flight"));
        assertEquals("flightjs/Flight", journal.namesOf(id).projectPath(), "stored again with the verdict");
    }

    @Test
    void theWebhookIsAnsweredWithoutWaitingForGitLab() {
        gitlabHoldsTheSample();
        FakeGitLab.SHARED.hold(MR);
        try {
            String id = Webhooks.accept(Payloads.raw(Payloads.SAMPLE));
            // Answered 202 while the worker's read of the merge request is still waiting for GitLab.
            assertTrue(FakeGitLab.SHARED.answering(MR) <= 1);
            assertTrue(journal.job(id).state() != JobState.REPORTED);
        } finally {
            FakeGitLab.SHARED.release(MR);
        }
    }

    @Test
    void eachEvaluationReadsTheMergeRequestAndNamesTheProjectByItsReference() {
        gitlabHoldsTheSample();
        journal.awaitState(Webhooks.accept(Payloads.raw(Payloads.SAMPLE)), JobState.REPORTED);
        journal.awaitState(Webhooks.accept(Payloads.raw(Payloads.SAMPLE)), JobState.REPORTED);

        gitlab.verify(2, getRequestedFor(urlPathEqualTo(MR)));
        // The project's checks, not each merge request's: the tests read them for every verdict
        // (check-settings-for=0s); CallsPerVerdictTest counts them cached.
        gitlab.verify(2, getRequestedFor(urlPathEqualTo("/api/v4/projects/6/external_status_checks")));
        gitlab.verify(0, getRequestedFor(urlPathEqualTo(MR + "/status_checks")));
        // The path is the merge request's references.full.
        gitlab.verify(0, getRequestedFor(urlPathEqualTo("/api/v4/projects/6")));
    }

    @Test
    void aGitLabThatSendsNoReferenceHasTheProjectRead() {
        gitlabHoldsTheSample();
        gitlab.stubFor(get(urlPathEqualTo(MR))
                .willReturn(aResponse()
                        .withTransformers(FakeGitLab.ANSWERS)
                        .withTransformerParameter("drop", "references")));

        Job job = journal.awaitState(Webhooks.accept(Payloads.raw(Payloads.SAMPLE)), JobState.REPORTED);

        assertEquals("failed", job.verdict());
        assertEquals("flightjs/Flight", journal.namesOf(job.id()).projectPath());
    }

    @Test
    void aCheckGitLabDoesNotApplyToTheMergeRequestGetsNothing() {
        gitlabHoldsTheSample();
        String body = Payloads.with(Payloads.SAMPLE, "/external_approval_rule/id", 77);

        Job job = journal.awaitState(forge(body), JobState.DEAD);

        assertTrue(
                job.lastError()
                        .contains("status check 77 is not among the checks GitLab applies to this merge" + " request"),
                job.lastError());
        gitlab.verify(0, postRequestedFor(urlPathMatching(".*/status_check_responses")));
    }

    @Test
    void aCheckLimitedToOtherBranchesGetsNothingAndOneWhosePatternMatchesIsJudged() {
        gitlabHoldsTheSample();
        FakeGitLab.SHARED.update(
                6,
                4,
                mr -> mr.withChecks(
                        new FakeGitLab.Check(1, "QA", FakeGitLab.POLICY_GATE_URL, List.of("release/*", "develop"))));

        Job refused = journal.awaitState(forge(Payloads.raw(Payloads.SAMPLE)), JobState.DEAD);

        assertTrue(
                refused.lastError()
                        .contains("status check 1 is not among the checks GitLab applies to this merge request"
                                + " (target branch main)"),
                refused.lastError());
        gitlab.verify(0, postRequestedFor(urlPathMatching(".*/status_check_responses")));

        // GitLab's wildcard stands for any characters (Gitlab::RefMatcher): m*n matches main.
        FakeGitLab.SHARED.update(
                6, 4, mr -> mr.withChecks(new FakeGitLab.Check(1, "QA", FakeGitLab.POLICY_GATE_URL, List.of("m*n"))));
        assertEquals(
                "failed",
                journal.awaitState(forge(Payloads.raw(Payloads.SAMPLE)), JobState.REPORTED)
                        .verdict());
    }

    @Test
    void everyPageOfTheProjectsChecksIsRead() {
        gitlabHoldsTheSample();
        // GitLab paginates a project's status checks (ee/lib/api/status_checks.rb, paginate).
        gitlab.stubFor(get(urlPathEqualTo("/api/v4/projects/6/external_status_checks"))
                .withQueryParam("page", WireMock.equalTo("1"))
                .willReturn(GitLabStubs.json("[{\"id\":90,\"name\":\"SAST\",\"external_url\":"
                                + "\"https://sast.example.com\",\"protected_branches\":[]}]")
                        .withHeader("X-Next-Page", "2")));
        gitlab.stubFor(get(urlPathEqualTo("/api/v4/projects/6/external_status_checks"))
                .withQueryParam("page", WireMock.equalTo("2"))
                .willReturn(aResponse().withTransformers(FakeGitLab.ANSWERS)));

        Job job = journal.awaitState(Webhooks.accept(Payloads.raw(Payloads.SAMPLE)), JobState.REPORTED);

        assertEquals("failed", job.verdict());
        gitlab.verify(2, getRequestedFor(urlPathEqualTo("/api/v4/projects/6/external_status_checks")));
    }

    @Test
    void aCheckThatCallsAnotherServiceGetsNothing() {
        gitlabHoldsTheSample();
        FakeGitLab.SHARED.update(
                6,
                4,
                mr -> mr.withChecks(new FakeGitLab.Check(1, "QA", "https://other-service.example.com/hook?token=x")));

        Job job = journal.awaitState(forge(Payloads.raw(Payloads.SAMPLE)), JobState.DEAD);

        assertTrue(
                job.lastError()
                        .contains("sends to https://other-service.example.com/hook, which is not" + " policy-gate's"),
                job.lastError());
        gitlab.verify(0, postRequestedFor(urlPathMatching(".*/status_check_responses")));
    }

    @Test
    void anOlderCommitIsSupersededAndGitLabsHeadIsJudgedInstead() {
        String head = Payloads.sha(4242);
        FakeGitLab.SHARED.sent(Payloads.forMergeRequest(Payloads.SAMPLE, 4, head));

        Job stale = journal.awaitState(forge(Payloads.raw(Payloads.SAMPLE)), JobState.SUPERSEDED);

        assertTrue(stale.lastError().contains("GitLab's HEAD of the merge request is " + head), stale.lastError());
        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .until(() -> FakeGitLab.SHARED.status(6, 4, 1, head).equals("failed"));
        journal.awaitIdle();
        gitlab.verify(
                0,
                postRequestedFor(urlPathEqualTo(GitLabStubs.STATUS_PATH))
                        .withRequestBody(containing(Payloads.SAMPLE_SHA)));
        gitlab.verify(
                1, postRequestedFor(urlPathEqualTo(GitLabStubs.STATUS_PATH)).withRequestBody(containing(head)));
    }

    @Test
    void aMergedMergeRequestGetsNothingWhateverTheBodySays() {
        gitlabHoldsTheSample();
        FakeGitLab.SHARED.update(6, 4, mr -> mr.withState("merged"));

        Job job = journal.awaitState(forge(Payloads.raw(Payloads.SAMPLE)), JobState.SUPERSEDED);

        assertTrue(job.lastError().contains("the merge request is merged in GitLab"), job.lastError());
        gitlab.verify(0, postRequestedFor(urlPathMatching(".*/status_check_responses")));
    }

    @Test
    void whileGitLabCannotBeReadNothingIsDecided() {
        gitlabHoldsTheSample();
        StubMapping down =
                gitlab.stubFor(get(urlPathEqualTo(MR)).willReturn(aResponse().withStatus(502)));

        String id = Webhooks.accept(Payloads.raw(Payloads.COMPLIANT));
        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .until(() -> journal.job(id).attempts() >= 2);

        Job waiting = journal.job(id);
        assertEquals(JobState.REPORTING, waiting.state());
        assertNull(waiting.verdict());
        assertTrue(waiting.lastError().contains("GitLab answered 502 to the merge request read"), waiting.lastError());
        gitlab.verify(0, postRequestedFor(urlPathMatching(".*/status_check_responses")));

        gitlab.removeStub(down);
        assertEquals("passed", journal.awaitState(id, JobState.REPORTED).verdict());
    }

    @Test
    void aMergeRequestGitLabRefusesToShowIsDeadAndSaysWhatToFix() {
        gitlabHoldsTheSample();
        gitlab.stubFor(get(urlPathEqualTo(MR)).willReturn(aResponse().withStatus(403)));

        Job job = journal.awaitState(Webhooks.accept(Payloads.raw(Payloads.SAMPLE)), JobState.DEAD);

        assertTrue(job.lastError().contains("GitLab answered 403 to the merge request read"), job.lastError());
        assertTrue(job.lastError().contains("give it at least the Developer role"), job.lastError());
        gitlab.verify(0, postRequestedFor(urlPathMatching(".*/status_check_responses")));
    }

    @Test
    void aDryRunCannotPlantChangesForACommitNotPushedYet() {
        String next = Payloads.sha(777);
        gitlabHoldsTheSample();
        journal.knowsProjects(6);
        // A dry run of the commit that will be pushed next: GitLab has no diff for it, so it proves nothing.
        given().header("Authorization", "Bearer test-api-token")
                .contentType("application/json")
                .body(Payloads.with(Payloads.COMPLIANT, "/object_attributes/last_commit/id", next))
                .post("/api/v1/evaluate")
                .then()
                .statusCode(200)
                .body("verdict.policies.find { it.policy == 'protected-paths' }.rules[0].outcome", equalTo("error"));

        // The push arrives, changing deployment files: the verdict reads that commit's own changes.
        String pushed = Payloads.with(Payloads.COMPLIANT, "/object_attributes/last_commit/id", next);
        FakeGitLab.SHARED.sent(pushed);
        FakeGitLab.SHARED.changes(
                6,
                4,
                next,
                List.of(Map.of(
                        "old_path",
                        "deploy/prod.yaml",
                        "new_path",
                        "deploy/prod.yaml",
                        "new_file",
                        false,
                        "renamed_file",
                        false,
                        "deleted_file",
                        false,
                        "diff",
                        "")));
        Job job = journal.awaitState(Webhooks.accept(pushed), JobState.REPORTED);

        assertEquals("failed", job.verdict());
        assertTrue(job.verdictDetail().contains("deploy/prod.yaml"), job.verdictDetail());
    }

    @Test
    void theNoteNamesTheCheckAsGitLabDoesNotAsTheBodyDoes() {
        gitlabHoldsTheSample();
        String id = forge(Payloads.with(Payloads.SAMPLE, "/external_approval_rule/name", "Approved by security"));
        journal.awaitState(id, JobState.REPORTED);
        journal.awaitNoteResult(id);

        List<String> notes = gitlab.findAll(postRequestedFor(urlPathMatching(GitLabStubs.NOTES_PATH))).stream()
                .map(n -> n.getBodyAsString())
                .toList();
        assertTrue(notes.stream().anyMatch(n -> n.contains("QA: failed")), notes.toString());
        assertTrue(notes.stream().noneMatch(n -> n.contains("Approved by security")), notes.toString());
    }

    @Test
    void theEvaluationPageSaysWhereTheFactsCameFrom() {
        gitlabHoldsTheSample();
        String id = forge(Payloads.raw(Payloads.COMPLIANT));
        journal.awaitState(id, JobState.REPORTED);

        given().auth()
                .preemptive()
                .basic("alice", "test-api-token")
                .get("/evaluations/" + id)
                .then()
                .statusCode(200)
                .body(containsString("GitLab, read for this evaluation"))
                .body(containsString("Update README.md"));
    }
}
