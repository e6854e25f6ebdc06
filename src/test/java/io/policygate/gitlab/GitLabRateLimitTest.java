package io.policygate.gitlab;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.policygate.journal.JobState;
import io.policygate.journal.ReportAttempt;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * GitLab's rate limit is a budget, not a failure: its headers say what is left, a 429 says when to come back, and
 * policy-gate waits for that without counting GitLab as down (the circuit breaker would hold every job back).
 */
@QuarkusTest
@WithTestResource(GitLabWireMock.class)
class GitLabRateLimitTest extends ServiceTest {

    private static final String MR = "/api/v4/projects/6/merge_requests/4";

    private static double metric(String name) {
        String metrics =
                given().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher value =
                Pattern.compile("(?m)^" + Pattern.quote(name) + " (\\S+)$").matcher(metrics);
        return value.find() ? Double.parseDouble(value.group(1)) : 0;
    }

    @Test
    void reportsAnswered429AreTriedAgainWithoutOpeningTheCircuitBreaker() {
        double opened = metric("ft_circuitbreaker_opened_total{method=\"gitlab\"}");
        // Six 429s in a row, more than policy-gate.gitlab.breaker-failures (5) failures would take to open it.
        String state = Scenario.STARTED;
        for (int i = 1; i <= 6; i++) {
            gitlab.stubFor(GitLabStubs.statusResponses()
                    .inScenario("limited")
                    .whenScenarioStateIs(state)
                    .willSetStateTo("after " + i)
                    .willReturn(aResponse()
                            .withStatus(429)
                            .withHeader("Retry-After", "0")
                            .withBody("{\"message\":\"Retry later\"}")));
            state = "after " + i;
        }

        String id = Webhooks.accept(Payloads.raw(Payloads.SAMPLE));

        assertEquals("failed", journal.awaitState(id, JobState.REPORTED).verdict());
        List<ReportAttempt> attempts = journal.attemptsOf(id);
        assertEquals(7, attempts.size(), attempts.toString());
        assertTrue(
                attempts.get(0).detail().contains("GitLab answered 429"),
                attempts.get(0).detail());
        assertEquals(opened, metric("ft_circuitbreaker_opened_total{method=\"gitlab\"}"), "the breaker stayed closed");
        assertEquals(0.0, metric("policy_gate_gitlab_circuit_open"));
    }

    @Test
    void afterA429NoCallGoesToGitLabBeforeItsRetryAfter() {
        FakeGitLab.SHARED.sent(Payloads.raw(Payloads.SAMPLE));
        gitlab.stubFor(get(urlPathEqualTo(MR))
                .inScenario("retry after")
                .whenScenarioStateIs(Scenario.STARTED)
                .willSetStateTo("answered")
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "2")));

        String id = Webhooks.accept(Payloads.raw(Payloads.SAMPLE));

        assertEquals("failed", journal.awaitState(id, JobState.REPORTED).verdict());
        List<Instant> reads = gitlab.getAllServeEvents().stream()
                .filter(e -> e.getRequest().getUrl().startsWith(MR + "?")
                        || e.getRequest().getUrl().equals(MR))
                .map(ServeEvent::getRequest)
                .map(r -> r.getLoggedDate().toInstant())
                .sorted(Comparator.naturalOrder())
                .toList();
        assertEquals(2, reads.size(), "the read was tried again within the step, once: " + reads);
        Duration between = Duration.between(reads.get(0), reads.get(1));
        assertTrue(
                between.compareTo(Duration.ofMillis(1900)) >= 0,
                "GitLab asked for 2 s; the next read came after " + between);
        assertEquals(1, journal.attemptsOf(id).size(), "the step waited for GitLab: no attempt failed");
    }

    @Test
    void theBudgetGaugeSaysWhatGitLabSaysIsLeft() {
        FakeGitLab.SHARED.rateLimit(2000, 1234, Instant.now().plusSeconds(5));

        journal.awaitState(Webhooks.accept(Payloads.raw(Payloads.SAMPLE)), JobState.REPORTED);

        double remaining = metric("policy_gate_gitlab_budget_remaining");
        assertTrue(remaining <= 1234 && remaining >= 1230, "left after the verdict's calls: " + remaining);
    }
}
