package io.policygate.worker;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.policygate.journal.JobState;
import io.policygate.testing.ConfigOverrides;
import io.policygate.testing.GitLabWireMock;
import io.policygate.testing.Payloads;
import io.policygate.testing.ServiceTest;
import io.policygate.testing.Webhooks;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A job waiting for GitLab holds no thread: with one worker thread and eight jobs in flight, eight merge requests
 * are read from a slow GitLab at the same time, and each still gets its verdict.
 */
@QuarkusTest
@TestProfile(JobsInFlightTest.OneThreadEightJobs.class)
@WithTestResource(GitLabWireMock.class)
class JobsInFlightTest extends ServiceTest {

    private static final int DELAY_MS = 400;
    private static final int JOBS = 8;

    public static class OneThreadEightJobs extends ConfigOverrides {
        public OneThreadEightJobs() {
            super(
                    "policy-gate.worker.threads", "1",
                    "policy-gate.worker.jobs-in-flight", String.valueOf(JOBS),
                    "policy-gate.gitlab.max-concurrent-calls", String.valueOf(JOBS));
        }
    }

    @Test
    void jobsWaitingForGitLabHoldNoThread() {
        gitlab.setGlobalFixedDelay(DELAY_MS);
        try {
            List<String> ids = IntStream.range(0, JOBS)
                    .mapToObj(i -> Webhooks.accept(
                            Payloads.forMergeRequest(Payloads.SAMPLE, 7951 + i, Payloads.sha(7951 + i))))
                    .toList();
            ids.forEach(id -> journal.awaitState(id, JobState.REPORTED));

            List<Long> reads = gitlab.getAllServeEvents().stream()
                    .map(ServeEvent::getRequest)
                    .filter(r ->
                            r.getMethod().getName().equals("GET") && r.getUrl().matches(".*/merge_requests/79[56]\\d"))
                    .map(r -> r.getLoggedDate().getTime())
                    .sorted()
                    .toList();
            assertTrue(reads.size() >= JOBS, reads.size() + " merge request reads");
            // Each read is answered DELAY_MS after it arrives: reads that arrive within DELAY_MS of each other were
            // waiting for GitLab at the same time. One blocking thread could only have one.
            int atOnce = IntStream.range(0, reads.size())
                    .map(i -> (int) reads.stream()
                            .filter(t -> t >= reads.get(i) && t < reads.get(i) + DELAY_MS)
                            .count())
                    .max()
                    .orElse(0);
            assertTrue(atOnce >= JOBS / 2, atOnce + " merge request reads in progress at once: " + reads);
        } finally {
            gitlab.setGlobalFixedDelay(0);
        }
    }
}
