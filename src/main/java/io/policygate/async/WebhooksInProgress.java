package io.policygate.async;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The webhooks being answered at this moment, which the worker waits for before it claims a job: intake has
 * priority over evaluation. GitLab waits for each webhook's answer and does not send it again after a timeout or
 * an error, while a job waits in the journal at no cost. On two cores with an instant GitLab, jobs claimed freely
 * took the CPU that intake needed: at 500 webhooks/s on PostgreSQL the acknowledgement p99 went from 46–69 ms to
 * 135–148 ms when jobs stopped holding a thread each; claims that wait for a moment with no webhook in progress
 * brought it to 31 ms, and on H2 at 1,000/s the verdict rate rose with it (337 → 351/s, the burst 537 → 600/s),
 * since intake and evaluation no longer contend for the journal's locks (docs/performance.md, issue 19).
 */
@ApplicationScoped
public class WebhooksInProgress {

    private final Object lock = new Object();
    private int inProgress;

    /** A webhook is being read, checked and stored; {@link #ended} must follow, whatever its answer. */
    public void began() {
        synchronized (lock) {
            inProgress++;
        }
    }

    /** A webhook has its answer. */
    public void ended() {
        synchronized (lock) {
            if (--inProgress == 0) {
                lock.notifyAll();
            }
        }
    }

    /**
     * Waits, at most {@code longest}, for a moment when no webhook is being answered. The bound keeps evaluation
     * moving under an unbroken stream of webhooks, by one claim per {@code longest}.
     */
    public void awaitNone(Duration longest) throws InterruptedException {
        long deadline = System.nanoTime() + longest.toNanos();
        synchronized (lock) {
            long left;
            while (inProgress > 0 && (left = deadline - System.nanoTime()) > 0) {
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
        }
    }
}
