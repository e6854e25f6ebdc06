package io.policygate.async;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Waiting on an object's monitor for a condition, with a bound: the dispatcher's waits before a claim. */
final class Monitors {

    private Monitors() {}

    /**
     * Waits while {@code holding} is true, at most {@code longest}; whoever makes it false notifies {@code monitor}.
     * The condition is read with the monitor held.
     */
    static void awaitWhile(Object monitor, BooleanSupplier holding, Duration longest) throws InterruptedException {
        long deadline = System.nanoTime() + longest.toNanos();
        synchronized (monitor) {
            long left;
            while (holding.getAsBoolean() && (left = deadline - System.nanoTime()) > 0) {
                TimeUnit.NANOSECONDS.timedWait(monitor, left);
            }
        }
    }
}
