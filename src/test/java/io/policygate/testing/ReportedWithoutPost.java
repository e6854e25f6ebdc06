package io.policygate.testing;

import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.policygate.journal.Job;
import io.policygate.journal.JobState;
import java.time.Duration;

/** For verdicts a status mode must not post: the job ends reported and GitLab hears nothing. */
public final class ReportedWithoutPost {

    private ReportedWithoutPost() {
    }

    public static Job send(String body, WireMockServer gitlab, Journal journal) {
        String id = Webhooks.accept(body);
        Job job = journal.awaitState(id, JobState.REPORTED);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(1))
                .until(() -> gitlab.getAllServeEvents().isEmpty());
        return job;
    }
}
