package io.policygate.gitlab;

import static io.restassured.RestAssured.given;
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
 * policy-gate.gitlab.max-concurrent-calls holds every call to GitLab, whoever makes it: with a limit of one, four
 * workers judging four merge requests at once (and the notes after them) never have two calls in progress.
 */
@QuarkusTest
@TestProfile(GitLabCallLimitTest.OneCallAtATime.class)
@WithTestResource(GitLabWireMock.class)
class GitLabCallLimitTest extends ServiceTest {

    private static final int DELAY_MS = 150;

    public static class OneCallAtATime extends ConfigOverrides {
        public OneCallAtATime() {
            super("policy-gate.gitlab.max-concurrent-calls", "1");
        }
    }

    @Test
    void noTwoCallsToGitLabAreInProgressAtOnce() {
        gitlab.setGlobalFixedDelay(DELAY_MS);
        List<String> ids = IntStream.range(0, 4)
                .mapToObj(i ->
                        Webhooks.accept(Payloads.forMergeRequest(Payloads.SAMPLE, 7901 + i, Payloads.sha(7901 + i))))
                .toList();
        ids.forEach(id -> journal.awaitState(id, JobState.REPORTED));
        ids.forEach(journal::awaitNoteResult);

        List<Long> received = gitlab.getAllServeEvents().stream()
                .map(ServeEvent::getRequest)
                .map(r -> r.getLoggedDate().getTime())
                .sorted()
                .toList();
        assertTrue(received.size() >= 16, received.size() + " calls");
        for (int i = 1; i < received.size(); i++) {
            // Each call is answered DELAY_MS after it arrives; the next may only arrive after that (less a few ms of
            // the clock's granularity).
            long gap = received.get(i) - received.get(i - 1);
            assertTrue(gap >= DELAY_MS - 10, "calls " + (i - 1) + " and " + i + " arrived " + gap + " ms apart");
        }
        String metrics =
                given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.contains("policy_gate_gitlab_calls_in_flight 0.0"), metrics);
        gitlab.setGlobalFixedDelay(0);
    }
}
