package io.policygate.async;

import java.time.Duration;

/**
 * A daemon thread of policy-gate's own that runs a loop from start-up until shutdown (the note writer, the audit
 * sink): the loop asks {@link #running()} between turns; stopping lets the turn in progress finish, within a grace.
 */
public final class BackgroundThread {

    private final String name;
    private volatile boolean running;
    private Thread thread;

    public BackgroundThread(String name) {
        this.name = name;
    }

    /** Starts {@code loop} on the thread; it should return once {@link #running()} is false. */
    public void start(Runnable loop) {
        running = true;
        thread = new Thread(loop, name);
        thread.setDaemon(true);
        thread.start();
    }

    public boolean running() {
        return running;
    }

    /** Asks the loop to end, wakes it with {@code wake}, and waits for it at most {@code grace}; false if never started. */
    public boolean stop(Duration grace, Runnable wake) {
        running = false;
        if (thread == null) {
            return false;
        }
        wake.run();
        try {
            thread.join(grace.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return true;
    }
}
