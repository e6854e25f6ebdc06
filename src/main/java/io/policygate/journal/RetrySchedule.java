package io.policygate.journal;

import io.policygate.config.ReportConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Delay before attempt n+1 of a journal-driven retry (a report, a note): exponential from {@code backoff}, capped at {@code max-backoff}, with
 * "equal jitter" (half fixed, half random) so that many jobs failing together do not retry together;
 * never shorter than GitLab's Retry-After.
 */
@ApplicationScoped
public class RetrySchedule {

    private final Duration initial;
    private final Duration max;

    @Inject
    public RetrySchedule(ReportConfig config) {
        this(config.backoff(), config.maxBackoff());
    }

    public RetrySchedule(Duration initial, Duration max) {
        this.initial = initial;
        this.max = max;
    }

    /** @param failedAttempts attempts made so far (1 after the first failure) */
    public Duration delayAfter(int failedAttempts, Duration retryAfter) {
        long cap = max.toMillis();
        long base = initial.toMillis();
        for (int i = 1; i < failedAttempts && base < cap; i++) {
            base *= 2;
        }
        base = Math.min(base, cap);
        long half = base / 2;
        long jittered = half + (half > 0 ? ThreadLocalRandom.current().nextLong(half + 1) : 0);
        Duration delay = Duration.ofMillis(Math.max(jittered, 1));
        return retryAfter != null && retryAfter.compareTo(delay) > 0 ? retryAfter : delay;
    }

    /** A random delay of up to a few seconds, to spread jobs that would otherwise all start together. */
    public Duration spread() {
        return Duration.ofMillis(ThreadLocalRandom.current().nextLong(5_000));
    }
}
