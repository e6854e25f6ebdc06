package io.policygate.gitlab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * GitLab's answers say how many calls the token has left in its window; policy-gate spends them freely while many
 * are left, spreads the last quarter over the rest of the window, and after a 429 waits as long as GitLab says.
 */
class GitLabBudgetTest {

    private static final Instant NOW = Instant.parse("2026-12-07T06:00:00Z");
    private final MutableClock clock = new MutableClock();
    private final GitLabBudget budget = new GitLabBudget(0.25, clock, new SimpleMeterRegistry());

    /** GitLab.com's headers: 2,000 a minute, this window ending in 60 s. */
    private void answered(int status, long remaining, String retryAfter) {
        Map<String, String> headers = new HashMap<>();
        headers.put("RateLimit-Limit", "2000");
        headers.put("RateLimit-Remaining", String.valueOf(remaining));
        headers.put("RateLimit-Reset", String.valueOf(NOW.plusSeconds(60).getEpochSecond()));
        headers.put("Retry-After", retryAfter);
        budget.observe(status, headers::get);
    }

    @Test
    void withoutRateLimitHeadersNothingWaits() {
        budget.observe(200, name -> null);
        for (int i = 0; i < 10_000; i++) {
            assertEquals(Duration.ZERO, budget.take());
        }
        assertTrue(Double.isNaN(budget.remaining()));
    }

    @Test
    void callsGoAtOnceWhileMoreThanTheReserveIsLeftAndAreSpreadBelowIt() {
        answered(200, 600, null);
        for (int i = 0; i < 100; i++) {
            assertEquals(Duration.ZERO, budget.take(), "600 of 2,000 left: above a quarter");
        }
        // 500 left, a quarter of 2,000: the last one at once. Below it, what is left is spread over the 60 s left.
        assertEquals(Duration.ZERO, budget.take());
        assertEquals(Duration.ZERO, budget.take(), "499 left: the first goes now, the next 60 s / 499 later");
        assertEquals(Duration.ofMillis(120), budget.take().truncatedTo(ChronoUnit.MILLIS));
        assertEquals(497.0, budget.remaining());
    }

    @Test
    void aBurstBelowTheReserveIsSpreadEvenlyUpToTheResetNotBeyondIt() {
        answered(200, 400, null);
        Duration last = Duration.ZERO;
        for (int i = 0; i < 400; i++) {
            Duration wait = budget.take();
            assertTrue(wait.compareTo(last) >= 0, "the calls go in the order they took their turn");
            last = wait;
        }
        // 400 calls left, 400 taken at once: 150 ms apart, the last one 59.85 s from now, before the reset.
        assertEquals(Duration.ofMillis(59_850), last);
        assertEquals(Duration.ofSeconds(60), budget.queued(), "what the worker weighs before it claims another job");
        assertEquals(Duration.ofSeconds(60), budget.take(), "the window is spent: the next call waits for its reset");
    }

    @Test
    void anotherReplicasCallsSeenInTheHeadersSlowThisOneDown() {
        answered(200, 1500, null);
        assertEquals(Duration.ZERO, budget.take());
        // The other replica spent 1,300 meanwhile: GitLab's newer word is fewer calls left.
        answered(200, 200, null);
        assertEquals(200.0, budget.remaining());
        assertEquals(Duration.ZERO, budget.take());
        assertEquals(Duration.ofMillis(300), budget.take(), "199 left after this one: 60 s / 200 apart");
        // An older answer that overtook it does not give the calls back.
        answered(200, 1400, null);
        assertTrue(budget.remaining() < 200);
    }

    @Test
    void aCallWhoseTurnComesAfterGitLabSaidTheWindowIsSpentWaitsForTheReset() {
        answered(200, 400, null);
        Duration turn = Duration.ZERO;
        for (int i = 0; i < 10; i++) {
            turn = budget.take();
        }
        assertEquals(Duration.ofMillis(1_350), turn, "this replica counts 400 left: 150 ms apart");
        clock.now = NOW.plus(turn);
        assertEquals(Duration.ZERO, budget.recheck(), "nothing said meanwhile: it goes at its turn");

        // Another replica on the same token spent the rest meanwhile; this one learns it from an answer.
        answered(200, 0, null);
        assertEquals(
                Duration.ofSeconds(60).minus(turn),
                budget.recheck(),
                "a call given its turn before GitLab said so waits for the reset instead of being answered 429");
        clock.now = NOW.plusSeconds(60);
        assertEquals(Duration.ZERO, budget.recheck(), "a new window");
    }

    @Test
    void a429HoldsEveryCallUntilRetryAfterAndDoesNotFailTheCall() {
        answered(429, 0, "7");
        assertTrue(budget.paused());
        assertEquals(Duration.ofSeconds(7), budget.queued(), "no call yet, but none may go for 7 s");
        assertEquals(Duration.ofSeconds(7), budget.take());
        assertEquals(Duration.ofSeconds(7).plusMillis(2), budget.take(), "the waiting calls go one after the other");

        clock.now = NOW.plusSeconds(61);
        assertFalse(budget.paused());
        assertEquals(Duration.ZERO, budget.take(), "a new window: spent freely until GitLab says otherwise");
        assertEquals(Duration.ZERO, budget.queued());
    }

    @Test
    void whenTheWindowIsSpentCallsWaitForItsReset() {
        answered(200, 1, null);
        assertEquals(Duration.ZERO, budget.take());
        assertEquals(Duration.ofSeconds(60), budget.take());
    }

    private static final class MutableClock extends Clock {
        Instant now = NOW;

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
