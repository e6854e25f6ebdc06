package io.policygate.journal;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.policygate.testing.GitLabStubs;
import io.policygate.testing.GitLabWireMock;
import io.policygate.testing.Payloads;
import io.policygate.testing.ServiceTest;
import io.policygate.testing.Webhooks;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One live evaluation per (project, MR, check): duplicates collapse, newer SHAs supersede. */
@QuarkusTest
@WithTestResource(GitLabWireMock.class)
class EvaluationKeyTest extends ServiceTest {

    private static final String NEWER_SHA = "2222222222222222222222222222222222222222";

    /** Newer stubs win in WireMock: this one answers until acceptAll adds a newer 201. */
    private void gitLabDown() {
        gitlab.stubFor(GitLabStubs.statusResponses().willReturn(aResponse().withStatus(503)));
    }

    @Test
    void duplicateWhileUnfinishedReturnsTheSameEvaluation() {
        gitLabDown();
        String body = Payloads.raw(Payloads.SAMPLE);
        String first = Webhooks.accept(body);

        String replay = Webhooks.sendSigned(body)
                .statusCode(202)
                .body("duplicate", equalTo(true))
                .extract()
                .path("evaluationId");

        assertEquals(first, replay);
        assertEquals(1, journal.jobCount() - journal.finishedCount());
        GitLabStubs.acceptAll(gitlab);
        journal.awaitState(first, JobState.REPORTED);
    }

    @Test
    void sameShaAfterItFinishedIsEvaluatedAgain() {
        // GitLab's Retry button re-sends the same SHA: it deserves a fresh evaluation.
        String body = Payloads.raw(Payloads.COMPLIANT);
        String first = Webhooks.accept(body);
        journal.awaitState(first, JobState.REPORTED);

        String again = Webhooks.accept(body);

        assertNotEquals(first, again);
        journal.awaitState(again, JobState.REPORTED);
    }

    @Test
    void newerShaSupersedesUnfinishedWorkAndOnlyItIsReportedLast() {
        gitLabDown();
        String older = Webhooks.accept(Payloads.raw(Payloads.SAMPLE));
        await().atMost(Duration.ofSeconds(5)).until(() -> journal.job(older).state() == JobState.REPORTING);

        String newer = Webhooks.accept(Payloads.with(Payloads.SAMPLE, "/object_attributes/last_commit/id", NEWER_SHA));
        Job superseded = journal.job(older);
        assertEquals(JobState.SUPERSEDED, superseded.state());
        assertTrue(superseded.lastError().contains(NEWER_SHA), superseded.lastError());

        GitLabStubs.acceptAll(gitlab);
        journal.awaitState(newer, JobState.REPORTED);
        // A report of the older SHA already in flight when it was superseded may still land (GitLab answers
        // 409 to it in production). The newer SHA is delivered once, and nothing is posted for it afterwards.
        int postsOfNewer = postsContaining(NEWER_SHA);
        await().during(Duration.ofMillis(600))
                .atMost(Duration.ofSeconds(2))
                .until(() -> postsContaining(NEWER_SHA) == postsOfNewer);
        List<ReportAttempt> attempts = journal.attemptsOf(newer);
        assertEquals(201, attempts.get(attempts.size() - 1).httpStatus());
        assertEquals(
                1,
                attempts.stream()
                        .filter(a -> Integer.valueOf(201).equals(a.httpStatus()))
                        .count());
        assertEquals(JobState.SUPERSEDED, journal.job(older).state());
    }

    @Test
    void aVerdictSupersededWhileGitLabIsAskedStaysInTheHistory() {
        // GitLab holds the older SHA's report longer than the client waits (2 s); the newer SHA arrives meanwhile.
        gitlab.stubFor(GitLabStubs.statusResponses()
                .willReturn(aResponse().withStatus(201).withFixedDelay(4000)));
        String newerBody = Payloads.with(Payloads.SAMPLE, "/object_attributes/last_commit/id", NEWER_SHA);
        String older = Webhooks.accept(Payloads.raw(Payloads.SAMPLE));
        String olderSha = journal.job(older).sha();
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(10))
                .until(() -> postsContaining(olderSha) == 1);

        String newer = Webhooks.accept(newerBody);
        GitLabStubs.acceptAll(gitlab);
        journal.awaitState(newer, JobState.REPORTED);

        // Every POST of the older SHA, the one in flight included, is on record as an attempt.
        await().atMost(Duration.ofSeconds(10))
                .until(() -> journal.attemptsOf(older).size() == postsContaining(olderSha));
        Job superseded = journal.job(older);
        assertEquals(JobState.SUPERSEDED, superseded.state());
        // What was posted for the older SHA is on record: the sample fails the shipped policies.
        assertEquals("failed", superseded.verdict());
        assertTrue(superseded.verdictDetail().contains("jira-ticket"), superseded.verdictDetail());
    }

    private int postsContaining(String sha) {
        return gitlab.findAll(postRequestedFor(urlPathEqualTo(GitLabStubs.STATUS_PATH))
                        .withRequestBody(containing(sha)))
                .size();
    }

    @Test
    void otherChecksAndMergeRequestsAreIndependent() {
        gitLabDown();
        String a = Webhooks.accept(Payloads.raw(Payloads.SAMPLE));
        String otherCheck = Webhooks.accept(Payloads.with(Payloads.SAMPLE, "/external_approval_rule/id", 2));
        String otherMr = Webhooks.accept(Payloads.with(Payloads.SAMPLE, "/object_attributes/iid", 5));

        assertEquals(3, java.util.Set.of(a, otherCheck, otherMr).size());
        GitLabStubs.acceptAll(gitlab);
        journal.awaitState(a, JobState.REPORTED);
        journal.awaitState(otherCheck, JobState.REPORTED);
        journal.awaitState(otherMr, JobState.REPORTED);
    }
}
