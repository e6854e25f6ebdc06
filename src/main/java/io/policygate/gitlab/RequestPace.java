package io.policygate.gitlab;

import java.time.Duration;

/**
 * Spaces out calls to GitLab made in bulk (reconciliation, impact previews), so that walking every open
 * merge request of a group does not look like an attack to GitLab's rate limits.
 */
public final class RequestPace {

    private final long intervalNanos;
    private long next = System.nanoTime();

    public RequestPace(int perSecond) {
        this.intervalNanos = Duration.ofSeconds(1).toNanos() / Math.max(1, perSecond);
    }

    /** Waits until the next call may go; false when interrupted (the caller should stop). */
    public synchronized boolean await() {
        long now = System.nanoTime();
        long at = Math.max(now, next);
        next = at + intervalNanos;
        try {
            Thread.sleep(Duration.ofNanos(at - now).toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
