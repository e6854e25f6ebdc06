package io.policygate.gitlab;

import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.policygate.journal.Job;
import io.policygate.journal.JobState;
import io.policygate.testing.GitLabStubs;
import io.policygate.testing.Payloads;
import io.policygate.testing.ServiceTest;
import io.policygate.testing.Webhooks;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What a pre-15.0 status mode posts: passes in its own dialect, failures not at all. */
abstract class LegacyModeTest extends ServiceTest {

    /** The mode's name as configured, e.g. "legacy-pass". */
    abstract String mode();

    /** The status_check_responses body the mode sends for a passing verdict. */
    abstract String passBody();

    @Test
    void passIsPostedInTheModesDialect() {
        journal.awaitState(Webhooks.accept(Payloads.raw(Payloads.COMPLIANT)), JobState.REPORTED);
        gitlab.verify(
                1, postRequestedFor(urlPathEqualTo(GitLabStubs.STATUS_PATH)).withRequestBody(equalToJson(passBody())));
    }

    @Test
    void failureIsNotPostedButRecorded() {
        Job job = journal.awaitState(Webhooks.accept(Payloads.raw(Payloads.SAMPLE)), JobState.REPORTED);
        await().during(Duration.ofMillis(300))
                .atMost(Duration.ofSeconds(1))
                .until(() -> gitlab.findAll(postRequestedFor(urlPathEqualTo(GitLabStubs.STATUS_PATH)))
                        .isEmpty());
        assertTrue(job.lastError().contains(mode()), job.lastError());
    }
}
