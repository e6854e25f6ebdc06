package io.policygate.worker;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import io.policygate.journal.Job;
import io.policygate.journal.JobState;
import io.policygate.testing.FakeGitLab;
import io.policygate.testing.GitLabStubs;
import io.policygate.testing.GitLabWireMock;
import io.policygate.testing.Payloads;
import io.policygate.testing.ServiceTest;
import io.policygate.testing.Webhooks;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The newest facts win: an edit that keeps the SHA (a label removed) reaches the verdict, whether the job was
 * being evaluated when it came or was waiting for GitLab to take its verdict.
 */
@QuarkusTest
@WithTestResource(GitLabWireMock.class)
class NewestFactsTest extends ServiceTest {

    private static final String MR = "/api/v4/projects/6/merge_requests/4";
    /** The compliant merge request without its compliance-reviewed label: it fails. */
    private static final String LABEL_REMOVED =
            Payloads.with(Payloads.COMPLIANT, "/object_attributes/labels", List.of());

    @Test
    void aWebhookForTheSameCommitDuringAnEvaluationMakesTheJobEvaluateAgain() {
        // GitLab answers the merge request read slowly: the edit lands while the first evaluation runs.
        FakeGitLab.SHARED.hold(MR);
        String id = Webhooks.accept(Payloads.raw(Payloads.COMPLIANT));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> FakeGitLab.SHARED.answering(MR) == 1);

        // A reviewer removes the label: GitLab sends the same commit again; it is the same evaluation.
        String same =
                Webhooks.sendSigned(LABEL_REMOVED).statusCode(202).extract().path("evaluationId");
        FakeGitLab.SHARED.release(MR);
        assertEquals(id, same);

        Job job = journal.awaitState(id, JobState.REPORTED);
        assertEquals("failed", job.verdict());
        assertEquals(
                "failed",
                FakeGitLab.SHARED.status(6, 4, 1, Payloads.SAMPLE_SHA),
                "GitLab ends with the newest facts' verdict");
        assertTrue(journal.attemptsOf(id).size() >= 2, "evaluated again after the webhook");
        assertNull(job.tampered(), "the passed GitLab showed meanwhile was policy-gate's own");
    }

    @Test
    void aVerdictWaitingForGitLabIsEvaluatedAgainBeforeItIsPosted() {
        StubMapping refusing = gitlab.stubFor(
                GitLabStubs.statusResponses().willReturn(aResponse().withStatus(503)));
        String id = Webhooks.accept(Payloads.raw(Payloads.COMPLIANT));
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> "passed".equals(journal.job(id).verdict())
                        && journal.job(id).state() == JobState.REPORTING);

        // The label goes while the passing verdict waits for GitLab.
        assertEquals(
                id, Webhooks.sendSigned(LABEL_REMOVED).statusCode(202).extract().path("evaluationId"));
        Instant edited = Instant.now();
        // A retry already under way may have read GitLab before the edit (the test profile retries within tens of
        // milliseconds): it must meet the refusal too, so GitLab refuses until a step begun after the edit was
        // refused. Only the waiting verdict, not one a step had in hand, is what this test is about.
        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .until(() -> journal.attemptsOf(id).stream()
                        .anyMatch(attempt -> attempt.startedAt().isAfter(edited)));
        gitlab.removeStub(refusing);

        Job job = journal.awaitState(id, JobState.REPORTED);
        assertEquals("failed", job.verdict());
        List<ServeEvent> taken = gitlab.getAllServeEvents().stream()
                .filter(e -> e.getRequest().getUrl().endsWith("/status_check_responses")
                        && e.getResponse().getStatus() == 201)
                .sorted(Comparator.comparing(e -> e.getRequest().getLoggedDate()))
                .toList();
        assertEquals(1, taken.size(), "GitLab took one verdict");
        assertTrue(taken.get(0).getRequest().getBodyAsString().contains("\"status\":\"failed\""));
        assertTrue(taken.get(0).getRequest().getLoggedDate().toInstant().isAfter(edited));
    }
}
