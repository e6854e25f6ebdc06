package io.policygate.reconcile;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.policygate.journal.ClusterLease;
import io.policygate.journal.JobState;
import io.policygate.testing.FakeGitLab;
import io.policygate.testing.GitLabStubs;
import io.policygate.testing.GitLabWireMock;
import io.policygate.testing.Payloads;
import io.policygate.testing.ServiceTest;
import io.policygate.testing.Webhooks;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The sweep finds our checks whose status at HEAD is not policy-gate's verdict for that commit: pending or failed
 * without an evaluation (a lost webhook, GitLab's timeout), or passed when policy-gate never said so.
 */
@QuarkusTest
@WithTestResource(GitLabWireMock.class)
class ReconciliationSweepTest extends ServiceTest {

    private static final String MRS = "/api/v4/projects/6/merge_requests";
    private static final String GROUP_MRS = "/api/v4/groups/flightjs/merge_requests";
    private static final String LOST = Payloads.sha(21);
    private static final String TIMED_OUT = Payloads.sha(22);
    private static final String PASSED_ELSEWHERE = Payloads.sha(23);
    private static final String FORGED = Payloads.sha(24);

    @Inject
    ReconciliationSweep sweep;

    @Inject
    ClusterLease leases;

    /** Merge request {@code iid} of project 6 in GitLab, at {@code sha}, with the QA check policy-gate answers. */
    private static FakeGitLab.MergeRequest mr(int iid, String sha, String title, String... labels) {
        return new FakeGitLab.MergeRequest(
                6,
                "flightjs/Flight",
                iid,
                sha,
                "opened",
                title,
                "",
                "feature/x",
                "main",
                false,
                List.of(labels),
                3,
                "ada",
                List.of(new FakeGitLab.Check(1, "QA", FakeGitLab.POLICY_GATE_URL)));
    }

    @Test
    void queuesEveryCheckWhoseStatusIsNotPolicyGatesVerdict() {
        // Project 6 and check 1 are known from a delivered webhook for MR 4 at the sample SHA.
        journal.awaitState(Webhooks.accept(Payloads.raw(Payloads.COMPLIANT)), JobState.REPORTED);
        FakeGitLab.SHARED.put(mr(21, LOST, "PAY-21 lost webhook", "compliance-reviewed")
                .withChecks(
                        new FakeGitLab.Check(1, "QA", FakeGitLab.POLICY_GATE_URL),
                        new FakeGitLab.Check(9, "other", "https://other.example.com/hook")));
        FakeGitLab.SHARED.put(mr(22, TIMED_OUT, "no ticket"));
        FakeGitLab.SHARED.postStatus(6, 22, 1, TIMED_OUT, "failed");
        FakeGitLab.SHARED.put(mr(23, PASSED_ELSEWHERE, "PAY-23 done", "compliance-reviewed"));
        FakeGitLab.SHARED.postStatus(6, 23, 1, PASSED_ELSEWHERE, "passed");
        FakeGitLab.SHARED.put(mr(24, FORGED, "no ticket, no review"));
        FakeGitLab.SHARED.postStatus(6, 24, 1, FORGED, "passed");
        // The first sweep lists every open merge request of the project's group (flightjs, from GitLab's path of
        // the verdict), on two pages: every page is read.
        gitlab.stubFor(get(urlPathEqualTo(GROUP_MRS))
                .withQueryParam("state", equalTo("opened"))
                .withQueryParam("scope", equalTo("all"))
                .withQueryParam("page", equalTo("1"))
                .willReturn(GitLabStubs.json("[" + open(4) + "," + open(21) + "," + open(22) + "]")
                        .withHeader("X-Next-Page", "2")));
        gitlab.stubFor(get(urlPathEqualTo(GROUP_MRS))
                .withQueryParam("state", equalTo("opened"))
                .withQueryParam("page", equalTo("2"))
                .willReturn(GitLabStubs.json("[" + open(23) + "," + open(24) + "]")));
        gitlab.resetRequests();

        ReconciliationSweep.Result result = sweep.sweep();

        // 4 is passed as policy-gate reported it; the others are not what policy-gate said of their HEAD.
        assertEquals(new ReconciliationSweep.Result(1, 5, 4), result);
        await().atMost(Duration.ofSeconds(20)).until(() -> journal.unfinishedCount() == 0);
        gitlab.verify(0, postRequestedFor(urlPathEqualTo(MRS + "/4/status_check_responses")));
        gitlab.verify(
                1,
                postRequestedFor(urlPathEqualTo(MRS + "/21/status_check_responses"))
                        .withRequestBody(equalToJson(
                                "{\"sha\":\"" + LOST + "\",\"external_status_check_id\":1,\"status\":\"passed\"}")));
        gitlab.verify(
                0,
                postRequestedFor(urlPathEqualTo(MRS + "/21/status_check_responses"))
                        .withRequestBody(containing("\"external_status_check_id\":9")));
        gitlab.verify(
                1,
                postRequestedFor(urlPathEqualTo(MRS + "/22/status_check_responses"))
                        .withRequestBody(equalToJson("{\"sha\":\"" + TIMED_OUT
                                + "\",\"external_status_check_id\":1,\"status\":\"failed\"}")));
        // A pass policy-gate has no record of: its own evaluation agrees, so it is only confirmed...
        gitlab.verify(
                1,
                postRequestedFor(urlPathEqualTo(MRS + "/23/status_check_responses"))
                        .withRequestBody(equalToJson("{\"sha\":\"" + PASSED_ELSEWHERE
                                + "\",\"external_status_check_id\":1,\"status\":\"passed\"}")));
        // ...or replaced by its failure.
        gitlab.verify(
                1,
                postRequestedFor(urlPathEqualTo(MRS + "/24/status_check_responses"))
                        .withRequestBody(equalToJson(
                                "{\"sha\":\"" + FORGED + "\",\"external_status_check_id\":1,\"status\":\"failed\"}")));
        assertEquals("failed", FakeGitLab.SHARED.status(6, 24, 1, FORGED));

        assertEquals(0, sweep.sweep().queued(), "a second sweep finds GitLab showing policy-gate's verdicts");
    }

    /** GitLab's list entry of a merge request the fake holds. */
    private String open(int iid) {
        FakeGitLab.MergeRequest mr = FakeGitLab.SHARED.mergeRequest(6, iid);
        return "{\"project_id\":6,\"iid\":" + iid + ",\"sha\":\"" + mr.sha() + "\",\"title\":\"" + mr.title()
                + "\",\"state\":\"opened\"," + "\"target_branch\":\"" + mr.targetBranch()
                + "\",\"references\":{\"full\":\"flightjs/Flight!" + iid + "\"}}";
    }

    @Test
    void aLaterSweepListsOnlyWhatChangedAndReadsTheOtherStatusesInTurn() {
        journal.awaitState(Webhooks.accept(Payloads.raw(Payloads.COMPLIANT)), JobState.REPORTED);
        FakeGitLab.SHARED.put(mr(31, Payloads.sha(31), "no ticket"));
        FakeGitLab.SHARED.put(mr(32, Payloads.sha(32), "PAY-32 reviewed", "compliance-reviewed"));
        assertEquals(2, sweep.sweep().queued(), "the first sweep: every open merge request, 31 and 32 never judged");
        await().atMost(Duration.ofSeconds(20)).until(() -> journal.unfinishedCount() == 0);
        assertEquals("failed", FakeGitLab.SHARED.status(6, 31, 1, Payloads.sha(31)));

        // Ten minutes on, nothing was updated; a Developer posts passed to 31 (a status does not update it).
        Instant before = Instant.now().minus(Duration.ofMinutes(10));
        for (long iid : List.of(4L, 31L, 32L)) {
            FakeGitLab.SHARED.lastUpdated(6, iid, before);
        }
        FakeGitLab.SHARED.postStatus(6, 31, 1, Payloads.sha(31), "passed");
        gitlab.resetRequests();

        ReconciliationSweep.Result result = sweep.sweep();

        assertEquals(1, result.queued(), "31's forged pass, found by reading the statuses in turn");
        // One listing for the group, of what changed (nothing), and no listing project by project.
        gitlab.verify(
                1,
                getRequestedFor(urlPathEqualTo(GROUP_MRS))
                        .withQueryParam("state", equalTo("all"))
                        .withQueryParam("updated_after", matching("\\d{4}-.+")));
        gitlab.verify(0, getRequestedFor(urlPathEqualTo(MRS)));
        // The statuses of the three open merge requests, each once (a sweep run by hand reads them all).
        gitlab.verify(3, getRequestedFor(urlPathMatching(MRS + "/\\d+/status_checks")));
        await().atMost(Duration.ofSeconds(20)).until(() -> journal.unfinishedCount() == 0);
        assertEquals("failed", FakeGitLab.SHARED.status(6, 31, 1, Payloads.sha(31)), "policy-gate's verdict is back");

        // 32 is merged: the next listing says so, and its statuses are not read any more.
        FakeGitLab.SHARED.update(6, 32, mr -> mr.withState("merged"));
        gitlab.resetRequests();
        sweep.sweep();
        gitlab.verify(0, getRequestedFor(urlPathEqualTo(MRS + "/32/status_checks")));
    }

    @Test
    void oneReplicaAtATimeHoldsTheSweep() {
        assertTrue(leases.acquire("test-sweep", "replica-a", Duration.ofMinutes(1)));
        assertFalse(leases.acquire("test-sweep", "replica-b", Duration.ofMinutes(1)));
        assertTrue(leases.acquire("test-sweep", "replica-a", Duration.ofMillis(1)), "the holder renews");
        await().pollDelay(Duration.ofMillis(20))
                .atMost(Duration.ofSeconds(2))
                .until(() -> leases.acquire("test-sweep", "replica-b", Duration.ofMinutes(1)));
        assertFalse(leases.acquire("test-sweep", "replica-a", Duration.ofMinutes(1)));
    }
}
