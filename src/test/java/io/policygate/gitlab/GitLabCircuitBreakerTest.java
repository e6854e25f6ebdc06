package io.policygate.gitlab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.policygate.async.Stages;
import io.policygate.config.GitLabConfig;
import io.policygate.testing.GitLabWireMock;
import io.policygate.testing.ServiceTest;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The breaker on its own, with real time (SmallRye Fault Tolerance keeps its own): a breaker of this test's
 * making, so the service's own is not disturbed. Inside Quarkus because the programmatic API needs its container.
 */
@QuarkusTest
@WithTestResource(GitLabWireMock.class)
class GitLabCircuitBreakerTest extends ServiceTest {

    private static final Duration OPEN_FOR = Duration.ofMillis(400);
    private static final String FAILED = "503";
    private static final String ANSWERED = "201";

    private final GitLabCircuitBreaker breaker =
            new GitLabCircuitBreaker(config(3, OPEN_FOR), Clock.systemUTC(), new SimpleMeterRegistry());

    private static GitLabConfig config(int failures, Duration openFor) {
        return (GitLabConfig) Proxy.newProxyInstance(
                GitLabConfig.class.getClassLoader(),
                new Class<?>[] {GitLabConfig.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "breakerFailures" -> failures;
                    case "breakerOpenFor" -> openFor;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private String step(String answer) throws GitLabCircuitBreaker.Blocked {
        return result(breaker.call(() -> CompletableFuture.completedFuture(answer), FAILED::equals));
    }

    /** The step's result, or the {@link GitLabCircuitBreaker.Blocked} its stage failed with. */
    private static String result(CompletionStage<String> step) throws GitLabCircuitBreaker.Blocked {
        try {
            return step.toCompletableFuture().join();
        } catch (CompletionException e) {
            if (Stages.cause(e) instanceof GitLabCircuitBreaker.Blocked blocked) {
                throw blocked;
            }
            throw e;
        }
    }

    @Test
    void opensAfterTheThresholdProbesOnceAndClosesWhenGitLabAnswers() throws Exception {
        assertEquals(FAILED, step(FAILED));
        assertEquals(FAILED, step(FAILED));
        assertFalse(breaker.holding(), "two failures in a row are not enough");
        assertEquals(FAILED, step(FAILED), "the failing step's own result is handed back");
        assertTrue(breaker.holding());
        Instant before = Instant.now();
        GitLabCircuitBreaker.Blocked blocked = assertThrows(GitLabCircuitBreaker.Blocked.class, () -> step(ANSWERED));
        assertTrue(
                !blocked.until().isBefore(before) && !blocked.until().isAfter(before.plus(OPEN_FOR)),
                "blocked until it may probe: " + blocked.until());

        awaitProbe();
        String probe = result(breaker.call(
                () -> {
                    assertTrue(breaker.holding(), "while the probe is out, nothing else starts");
                    assertThrows(GitLabCircuitBreaker.Blocked.class, () -> step(ANSWERED), "a second caller waits");
                    return CompletableFuture.completedFuture(FAILED);
                },
                FAILED::equals));
        assertEquals(FAILED, probe);
        assertTrue(breaker.holding(), "a failed probe opens it again");

        awaitProbe();
        assertEquals(ANSWERED, step(ANSWERED));
        assertFalse(breaker.isOpen(), "an answered probe closes it");
        assertEquals(FAILED, step(FAILED));
        assertEquals(FAILED, step(FAILED));
        assertFalse(breaker.holding(), "closed again: the count starts over");
    }

    @Test
    void anAnswerBetweenFailuresKeepsItClosed() throws Exception {
        for (int i = 0; i < 5; i++) {
            step(FAILED);
            step(FAILED);
            step(ANSWERED);
        }
        assertFalse(breaker.isOpen());
    }

    private void awaitProbe() {
        Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> !breaker.holding());
    }
}
