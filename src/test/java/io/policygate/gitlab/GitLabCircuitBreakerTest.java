package io.policygate.gitlab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.policygate.config.GitLabConfig;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GitLabCircuitBreakerTest {

    private Instant now = Instant.parse("2026-11-24T10:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };

    private static GitLabConfig config(int failures, Duration openFor) {
        return (GitLabConfig) Proxy.newProxyInstance(GitLabConfig.class.getClassLoader(), new Class<?>[] {GitLabConfig.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "breakerFailures" -> failures;
                    case "breakerOpenFor" -> openFor;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void opensAfterTheThresholdProbesOnceAndBacksOffWhileGitLabStaysDown() {
        GitLabCircuitBreaker breaker = new GitLabCircuitBreaker(config(3, Duration.ofSeconds(30)), clock,
                new SimpleMeterRegistry());
        breaker.recordFailure();
        breaker.recordFailure();
        assertEquals(Optional.empty(), breaker.blockedUntil());
        breaker.recordFailure();
        assertEquals(Optional.of(now.plusSeconds(30)), breaker.blockedUntil());

        now = now.plusSeconds(30);
        assertEquals(Optional.empty(), breaker.blockedUntil(), "one probe goes through");
        assertTrue(breaker.blockedUntil().isPresent(), "a second caller waits for the probe");
        breaker.recordFailure();
        assertEquals(Optional.of(now.plusSeconds(60)), breaker.blockedUntil(), "open for twice as long");

        now = now.plusSeconds(60);
        assertEquals(Optional.empty(), breaker.blockedUntil());
        breaker.recordAnswer();
        assertEquals(Optional.empty(), breaker.blockedUntil());
        breaker.recordFailure();
        assertEquals(Optional.empty(), breaker.blockedUntil(), "closed again: the count starts over");
    }

    @Test
    void openTimeIsCappedAtFiveMinutes() {
        GitLabCircuitBreaker breaker = new GitLabCircuitBreaker(config(1, Duration.ofMinutes(2)), clock,
                new SimpleMeterRegistry());
        breaker.recordFailure();
        for (int i = 0; i < 4; i++) {
            now = breaker.blockedUntil().orElseThrow();
            assertEquals(Optional.empty(), breaker.blockedUntil());
            breaker.recordFailure();
        }
        assertEquals(Optional.of(now.plus(Duration.ofMinutes(5))), breaker.blockedUntil());
    }
}
