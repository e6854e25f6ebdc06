package io.policygate.webhook;

import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.policygate.testing.ConfigOverrides;
import io.policygate.testing.GitLabWireMock;
import io.policygate.testing.Payloads;
import io.policygate.testing.ServiceTest;
import io.policygate.testing.Webhooks;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Whoever holds the webhook secret can replay one signed body as often as they like: each is accepted (GitLab must
 * never see a refusal for a body it sent), and the merge request is evaluated at most once per
 * policy-gate.webhook.coalesce (its default, 2 s), however many arrive.
 */
@QuarkusTest
@TestProfile(ReplayFloodTest.DefaultCoalescing.class)
@WithTestResource(GitLabWireMock.class)
class ReplayFloodTest extends ServiceTest {

    private static final Duration COALESCE = Duration.ofSeconds(2);
    private static final String MR = "/api/v4/projects/6/merge_requests/4";

    public static class DefaultCoalescing extends ConfigOverrides {
        public DefaultCoalescing() {
            super("policy-gate.webhook.coalesce", "2s");
        }
    }

    @Test
    void aFloodOfReplaysCostsOneEvaluationPerCoalescePeriod() throws InterruptedException {
        String body = Payloads.raw(Payloads.SAMPLE);
        Instant started = Instant.now();
        for (int i = 0; i < 40; i++) {
            Webhooks.sendSigned(body).statusCode(202);
            Thread.sleep(100);
        }
        Duration flood = Duration.between(started, Instant.now());
        journal.awaitIdle();

        List<LoggedRequest> evaluations = gitlab.findAll(getRequestedFor(urlPathEqualTo(MR))).stream()
                .sorted(Comparator.comparing(LoggedRequest::getLoggedDate))
                .toList();
        long periods = flood.toMillis() / COALESCE.toMillis();
        assertTrue(
                evaluations.size() >= 1 && evaluations.size() <= periods + 2,
                evaluations.size() + " evaluations for 40 replays in " + flood.toMillis() + " ms");
        for (int i = 1; i < evaluations.size(); i++) {
            Duration apart = Duration.between(
                    evaluations.get(i - 1).getLoggedDate().toInstant(),
                    evaluations.get(i).getLoggedDate().toInstant());
            // The period runs from when an evaluation is claimed; its merge request read follows a little later,
            // later still for the first one of a fresh service (cold code paths, a new connection to GitLab).
            assertTrue(
                    apart.compareTo(COALESCE.minusMillis(400)) >= 0,
                    "evaluations " + i + " and " + (i + 1) + " read GitLab " + apart.toMillis() + " ms apart");
        }
        assertEquals(0, journal.unfinishedCount());
    }
}
