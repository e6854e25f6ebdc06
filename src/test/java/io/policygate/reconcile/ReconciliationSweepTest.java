package io.policygate.reconcile;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.policygate.journal.JobState;
import io.policygate.journal.JournalStore;
import io.policygate.testing.GitLabStubs;
import io.policygate.testing.GitLabWireMock;
import io.policygate.testing.Payloads;
import io.policygate.testing.ServiceTest;
import io.policygate.testing.Webhooks;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The sweep finds checks GitLab shows pending or failed without our verdict for HEAD, and only those. */
@QuarkusTest
@WithTestResource(GitLabWireMock.class)
class ReconciliationSweepTest extends ServiceTest {

    private static final String MRS = "/api/v4/projects/6/merge_requests";
    private static final String LOST = Payloads.sha(21);
    private static final String TIMED_OUT = Payloads.sha(22);

    @Inject
    ReconciliationSweep sweep;
    @Inject
    JournalStore store;

    private static String mr(int iid, String sha, String title, String labels) {
        return "{\"iid\":" + iid + ",\"sha\":\"" + sha + "\",\"title\":\"" + title + "\",\"description\":\"\","
                + "\"source_branch\":\"feature/x\",\"target_branch\":\"main\",\"draft\":false,\"state\":\"opened\","
                + "\"labels\":[" + labels + "],\"author\":{\"id\":3,\"username\":\"ada\"},"
                + "\"references\":{\"full\":\"flightjs/Flight!" + iid + "\"},"
                + "\"web_url\":\"http://example.com/flightjs/Flight/-/merge_requests/" + iid + "\"}";
    }

    private void checks(int iid, String body) {
        gitlab.stubFor(get(urlPathEqualTo(MRS + "/" + iid + "/status_checks")).willReturn(GitLabStubs.json(body)));
    }

    @Test
    void queuesWhatGitLabWaitsForAndNothingElse() {
        // Project 6 and check 1 are known from a delivered webhook for MR 4 at the sample SHA.
        journal.awaitState(Webhooks.accept(Payloads.raw(Payloads.COMPLIANT)), JobState.REPORTED);
        gitlab.resetRequests();
        gitlab.stubFor(get(urlPathEqualTo(MRS)).withQueryParam("state", equalTo("opened"))
                .withQueryParam("page", equalTo("1")).willReturn(GitLabStubs.json("[" + mr(4, Payloads.SAMPLE_SHA, "x", "")
                        + "," + mr(21, LOST, "PAY-21 lost webhook", "\"compliance-reviewed\"") + "]")
                        .withHeader("X-Next-Page", "2")));
        gitlab.stubFor(get(urlPathEqualTo(MRS)).withQueryParam("state", equalTo("opened"))
                .withQueryParam("page", equalTo("2")).willReturn(GitLabStubs.json("["
                        + mr(22, TIMED_OUT, "no ticket", "") + "," + mr(23, Payloads.sha(23), "done", "") + "]")));
        checks(4, "[{\"id\":1,\"name\":\"QA\",\"status\":\"passed\"}]");
        checks(21, "[{\"id\":1,\"name\":\"QA\",\"status\":\"pending\"},{\"id\":9,\"name\":\"other\",\"status\":\"pending\"}]");
        checks(22, "[{\"id\":1,\"name\":\"QA\",\"status\":\"failed\"}]");
        checks(23, "[{\"id\":1,\"name\":\"QA\",\"status\":\"passed\"}]");

        ReconciliationSweep.Result result = sweep.sweep();

        assertEquals(new ReconciliationSweep.Result(1, 4, 2), result);
        await().atMost(Duration.ofSeconds(20)).until(() -> journal.unfinishedCount() == 0);
        gitlab.verify(1, postRequestedFor(urlPathEqualTo(MRS + "/21/status_check_responses")).withRequestBody(equalToJson(
                "{\"sha\":\"" + LOST + "\",\"external_status_check_id\":1,\"status\":\"passed\"}")));
        gitlab.verify(1, postRequestedFor(urlPathEqualTo(MRS + "/22/status_check_responses")).withRequestBody(equalToJson(
                "{\"sha\":\"" + TIMED_OUT + "\",\"external_status_check_id\":1,\"status\":\"failed\"}")));
        gitlab.verify(0, postRequestedFor(urlPathEqualTo(MRS + "/4/status_check_responses")));
        gitlab.verify(0, postRequestedFor(urlPathEqualTo(MRS + "/23/status_check_responses")));
        gitlab.verify(0, postRequestedFor(urlPathEqualTo(MRS + "/21/status_check_responses"))
                .withRequestBody(containing("\"external_status_check_id\":9")));

        assertEquals(0, sweep.sweep().queued(), "a second sweep finds our verdicts and queues nothing");
    }

    @Test
    void oneReplicaAtATimeHoldsTheSweep() {
        assertTrue(store.acquireNamedLease("test-sweep", "replica-a", Duration.ofMinutes(1)));
        assertFalse(store.acquireNamedLease("test-sweep", "replica-b", Duration.ofMinutes(1)));
        assertTrue(store.acquireNamedLease("test-sweep", "replica-a", Duration.ofMillis(1)), "the holder renews");
        await().pollDelay(Duration.ofMillis(20)).atMost(Duration.ofSeconds(2))
                .until(() -> store.acquireNamedLease("test-sweep", "replica-b", Duration.ofMinutes(1)));
        assertFalse(store.acquireNamedLease("test-sweep", "replica-a", Duration.ofMinutes(1)));
    }
}
