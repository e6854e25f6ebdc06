package io.policygate.gitlab;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Bulk reads are spaced out: they can never go faster than the pace, however fast the machine. */
class RequestPaceTest {

    @Test
    void callsAreSpacedByTheInterval() {
        RequestPace pace = new RequestPace(50);
        long start = System.nanoTime();
        for (int call = 0; call < 11; call++) {
            assertTrue(pace.await());
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        // 10 intervals of 20 ms after the first call; each sleep may round down by under 1 ms.
        assertTrue(millis >= 190, "11 calls at 50/s took " + millis + " ms");
    }

    @Test
    void anInterruptedCallerIsToldToStop() {
        RequestPace pace = new RequestPace(1);
        assertTrue(pace.await());
        Thread.currentThread().interrupt();
        try {
            assertFalse(pace.await());
            assertTrue(Thread.currentThread().isInterrupted(), "the interrupt is kept for the caller");
        } finally {
            Thread.interrupted();
        }
    }
}
