package io.policygate.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryScheduleTest {

    private final RetrySchedule schedule = new RetrySchedule(Duration.ofSeconds(1), Duration.ofMinutes(5));

    @Test
    void delayDoublesWithJitterWithinHalfAndWhole() {
        for (int attempt = 1; attempt <= 8; attempt++) {
            long base = 1000L << (attempt - 1);
            for (int sample = 0; sample < 200; sample++) {
                long delay = schedule.delayAfter(attempt, null).toMillis();
                assertTrue(delay >= base / 2 && delay <= base, "attempt " + attempt + ": " + delay);
            }
        }
    }

    @Test
    void delayIsCapped() {
        for (int sample = 0; sample < 200; sample++) {
            long delay = schedule.delayAfter(40, null).toMillis();
            assertTrue(delay >= 150_000 && delay <= 300_000, String.valueOf(delay));
        }
    }

    @Test
    void retryAfterIsNeverCutShort() {
        assertEquals(Duration.ofSeconds(120), schedule.delayAfter(1, Duration.ofSeconds(120)));
        assertTrue(schedule.delayAfter(3, Duration.ofMillis(1)).toMillis() >= 2000);
    }
}
