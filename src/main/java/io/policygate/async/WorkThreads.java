package io.policygate.async;

import io.policygate.config.WorkerConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that do the jobs' work (policy-gate.worker.threads): evaluating, signing, writing the journal. Jobs
 * waiting for GitLab hold none of them. The work waiting for a thread is counted, so that no more jobs are claimed
 * while there is a backlog ({@link #awaitRoom}): a job claimed then would only wait for a thread, and the CPU it
 * then takes is intake's, whose webhooks wait for their 202.
 */
@ApplicationScoped
public class WorkThreads implements Executor {

    private final int threads;
    private final ExecutorService pool;
    private final AtomicInteger waiting = new AtomicInteger();
    private final Object room = new Object();

    @Inject
    public WorkThreads(WorkerConfig config) {
        if (config.threads() < 1) {
            throw new IllegalStateException("policy-gate.worker.threads (POLICY_GATE_WORKER_THREADS) is "
                    + config.threads() + ": at least one thread must do the jobs' work");
        }
        this.threads = config.threads();
        AtomicInteger number = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(threads, task -> {
            Thread thread = new Thread(task, "policy-gate-worker-" + number.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public void execute(Runnable task) {
        waiting.incrementAndGet();
        pool.execute(() -> {
            if (waiting.decrementAndGet() < threads) {
                synchronized (room) {
                    room.notifyAll();
                }
            }
            task.run();
        });
    }

    /** Waits, at most {@code longest}, until less work is waiting than there are threads to take it. */
    public void awaitRoom(Duration longest) throws InterruptedException {
        Monitors.awaitWhile(room, () -> waiting.get() >= threads, longest);
    }

    /** Stops taking work; what was handed over runs to its end, or is interrupted after {@code grace}. */
    public void shutdown(Duration grace) throws InterruptedException {
        pool.shutdown();
        if (!pool.awaitTermination(grace.toNanos(), TimeUnit.NANOSECONDS)) {
            pool.shutdownNow();
        }
    }

    @PreDestroy
    void stop() {
        pool.shutdownNow();
    }
}
