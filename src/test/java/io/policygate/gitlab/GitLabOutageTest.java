package io.policygate.gitlab;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.policygate.journal.JobState;
import io.policygate.testing.GitLabStubs;
import io.policygate.testing.GitLabWireMock;
import io.policygate.testing.Payloads;
import io.policygate.testing.ServiceTest;
import io.policygate.testing.Webhooks;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * GitLab down: the circuit breaker stops the workers from hammering it (test config: open after 5
 * failures, one probe a second), and every job is reported once it is back.
 */
@QuarkusTest
@WithTestResource(GitLabWireMock.class)
class GitLabOutageTest extends ServiceTest {

    private int posts() {
        return gitlab.findAll(postRequestedFor(urlPathMatching(".*/status_check_responses")))
                .size();
    }

    @Test
    void aDownGitLabIsProbedNotHammeredAndEverythingIsReportedWhenItReturns() throws InterruptedException {
        gitlab.stubFor(GitLabStubs.statusResponses().willReturn(aResponse().withStatus(503)));
        List<String> ids = new ArrayList<>();
        for (int iid = 100; iid < 120; iid++) {
            ids.add(Webhooks.accept(Payloads.with(Payloads.COMPLIANT, "/object_attributes/iid", iid)));
        }

        Thread.sleep(4_000);
        int during = posts();
        // Without the breaker, 20 jobs retrying every 100-400 ms would post well over 200 times in 4 s.
        assertTrue(during <= 20, "posts while GitLab was down: " + during);
        // Waiting, not lost: evaluated and waiting to report, or not even claimed while the breaker holds.
        ids.forEach(
                id -> assertTrue(JobState.UNFINISHED.contains(journal.job(id).state())));

        GitLabStubs.acceptAll(gitlab);
        ids.forEach(id -> journal.awaitState(id, JobState.REPORTED));
    }
}
