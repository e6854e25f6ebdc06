package io.policygate.gitlab;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.policygate.journal.Job;
import io.policygate.journal.JobState;
import io.policygate.journal.ReportAttempt;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How each GitLab answer to status_check_responses is handled, with the exact number of attempts.
 * Test backoff: 100 ms doubling to 400 ms; read timeout 1 s (application.properties, %test).
 */
@QuarkusTest
@WithTestResource(GitLabWireMock.class)
class ReportRetryTest extends ServiceTest {

    /** GitLab answers {@code answers} in order, then 201 for good. */
    private void answerInTurn(ResponseDefinitionBuilder... answers) {
        String state = STARTED;
        for (int i = 0; i < answers.length; i++) {
            String next = "attempt-" + (i + 2);
            gitlab.stubFor(GitLabStubs.statusResponses()
                    .inScenario("report")
                    .whenScenarioStateIs(state)
                    .willReturn(answers[i])
                    .willSetStateTo(next));
            state = next;
        }
        gitlab.stubFor(GitLabStubs.statusResponses()
                .inScenario("report")
                .whenScenarioStateIs(state)
                .willReturn(aResponse().withStatus(201).withBody("{}")));
    }

    private List<LoggedRequest> posts() {
        return gitlab.findAll(postRequestedFor(urlPathEqualTo(GitLabStubs.STATUS_PATH)));
    }

    @Test
    void serverErrorsAreRetriedUntilGitLabTakesTheVerdict() {
        answerInTurn(aResponse().withStatus(503), aResponse().withStatus(500).withBody("{\"message\":\"boom\"}"));

        String id = Webhooks.accept(Payloads.raw(Payloads.SAMPLE));
        Job job = journal.awaitState(id, JobState.REPORTED);

        assertEquals(3, posts().size());
        assertEquals(3, job.attempts());
        List<ReportAttempt> attempts = journal.attemptsOf(id);
        assertEquals(
                List.of(503, 500, 201),
                attempts.stream().map(ReportAttempt::httpStatus).toList());
        assertEquals(
                List.of("transient", "transient", "delivered"),
                attempts.stream().map(ReportAttempt::outcome).toList());
        // Every attempt carries the same SHA and verdict.
        posts().forEach(p -> assertTrue(p.getBodyAsString().contains(Payloads.SAMPLE_SHA), p.getBodyAsString()));
    }

    @Test
    void tooManyRequestsWaitsForRetryAfter() {
        answerInTurn(aResponse().withStatus(429).withHeader("Retry-After", "1"));

        String id = Webhooks.accept(Payloads.raw(Payloads.SAMPLE));
        journal.awaitState(id, JobState.REPORTED);

        List<LoggedRequest> posts = posts();
        assertEquals(2, posts.size());
        long gap = posts.get(1).getLoggedDate().getTime()
                - posts.get(0).getLoggedDate().getTime();
        assertTrue(gap >= 1000, "second attempt came " + gap + " ms after the first, before Retry-After: 1");
    }

    @Test
    void conflictMeansSupersededAndIsNeverRetried() {
        gitlab.stubFor(GitLabStubs.statusResponses()
                .willReturn(aResponse()
                        .withStatus(409)
                        .withBody("{\"message\":\"SHA does not match HEAD of source branch: 141be97\"}")));

        String id = Webhooks.accept(Payloads.raw(Payloads.SAMPLE));
        Job job = journal.awaitState(id, JobState.SUPERSEDED);

        // Longer than the whole test backoff: a retry would have come by now.
        await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(2)).until(() -> posts().size() == 1);
        assertTrue(job.lastError().contains("SHA does not match HEAD"), job.lastError());
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 401, 403, 404})
    void permanentRefusalIsDeadAfterOneAttemptAndSaysWhatToFix(int status) {
        gitlab.stubFor(GitLabStubs.statusResponses()
                .willReturn(aResponse().withStatus(status).withBody("{\"message\":\"refused\"}")));

        String id = Webhooks.accept(Payloads.raw(Payloads.SAMPLE));
        Job job = journal.awaitState(id, JobState.DEAD);

        await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(2)).until(() -> posts().size() == 1);
        assertTrue(job.lastError().startsWith("GitLab answered " + status), job.lastError());
        assertTrue(job.lastError().contains("Fix:"), job.lastError());
    }

    @Test
    void timeoutIsRetried() {
        answerInTurn(aResponse().withStatus(201).withFixedDelay(4000));

        String id = Webhooks.accept(Payloads.raw(Payloads.SAMPLE));
        journal.awaitState(id, JobState.REPORTED);

        assertEquals(2, posts().size());
        ReportAttempt first = journal.attemptsOf(id).get(0);
        assertEquals("transient", first.outcome());
        assertTrue(first.detail().contains("timed out"), first.detail());
    }

    @Test
    void connectionResetIsRetried() {
        answerInTurn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));

        String id = Webhooks.accept(Payloads.raw(Payloads.SAMPLE));
        journal.awaitState(id, JobState.REPORTED);

        assertEquals(2, posts().size());
    }

    @Test
    void connectionRefusedIsRetriedUntilGitLabIsBack() {
        int port = gitlab.port();
        gitlab.stop();
        try {
            String id = Webhooks.accept(Payloads.raw(Payloads.SAMPLE));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> journal.attemptsOf(id).size() >= 2);
            assertTrue(
                    journal.attemptsOf(id).get(0).detail().contains("connection refused"),
                    journal.attemptsOf(id).get(0).detail());
            assertEquals(JobState.REPORTING, journal.job(id).state());

            gitlab.start();
            assertEquals(port, gitlab.port());
            journal.awaitState(id, JobState.REPORTED);
            assertEquals(1, posts().size());
        } finally {
            if (!gitlab.isRunning()) {
                gitlab.start();
            }
        }
    }
}
