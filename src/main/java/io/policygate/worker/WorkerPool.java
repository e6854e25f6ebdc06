package io.policygate.worker;

import io.policygate.config.WorkerConfig;
import io.policygate.gitlab.GitLabCircuitBreaker;
import io.policygate.journal.ClusterLease;
import io.policygate.journal.Job;
import io.policygate.journal.JobQueue;
import io.policygate.journal.WorkDue;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.lang.management.ManagementFactory;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * The worker threads: each claims a due job from the journal and runs its next step ({@link JobStep}). Intake wakes them; otherwise they poll, which also picks
 * up retries that come due and jobs left behind by a process that stopped.
 */
@ApplicationScoped
public class WorkerPool {

    private static final Logger LOG = Logger.getLogger(WorkerPool.class);
    /** After policies load (priority 1000 in ActivePolicies): a job must never meet an empty policy set. */
    static final int START_PRIORITY = 2000;

    private final JobQueue jobs;
    private final ClusterLease leases;
    private final JobStep step;
    private final WorkerConfig config;
    private final GitLabCircuitBreaker breaker;
    private final String owner;
    private final Semaphore wakeUps = new Semaphore(0);
    private volatile boolean running;
    private ExecutorService threads;

    @Inject
    public WorkerPool(
            JobQueue jobs, ClusterLease leases, JobStep step, WorkerConfig config, GitLabCircuitBreaker breaker) {
        this.jobs = jobs;
        this.leases = leases;
        this.step = step;
        this.config = config;
        this.breaker = breaker;
        this.owner = ManagementFactory.getRuntimeMXBean().getName() + "/"
                + UUID.randomUUID().toString().substring(0, 8);
    }

    void onStart(@Observes @Priority(START_PRIORITY) StartupEvent start) {
        if (leases.exclusive()) {
            int released = leases.releaseEvery();
            if (released > 0) {
                LOG.infof("Resuming %d jobs left in progress by a previous run", released);
            }
        }
        running = true;
        AtomicInteger number = new AtomicInteger();
        threads = Executors.newFixedThreadPool(config.threads(), task -> {
            Thread thread = new Thread(task, "policy-gate-worker-" + number.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        for (int i = 0; i < config.threads(); i++) {
            threads.execute(this::work);
        }
    }

    /** Graceful stop: let in-flight jobs finish their step, then hand back any lease still held. */
    void onStop(@Observes ShutdownEvent stop) {
        running = false;
        if (threads == null) {
            return;
        }
        wakeUps.release(config.threads());
        threads.shutdown();
        try {
            if (!threads.awaitTermination(config.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS)) {
                threads.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        int released = leases.releaseAll(owner);
        if (released > 0) {
            LOG.infof("Released %d unfinished jobs for the next process", released);
        }
    }

    /** A new job is in the journal: an idle worker takes it now rather than at the next poll. */
    void onWorkDue(@Observes WorkDue due) {
        if (due == WorkDue.JOB) {
            wakeUps.release();
        }
    }

    private void work() {
        while (running) {
            try {
                // While GitLab is down, jobs wait in the journal: nothing is claimed, nothing busy-loops.
                Optional<Job> job = breaker.holding() ? Optional.empty() : jobs.claimNext(owner, config.lease());
                if (job.isPresent()) {
                    step.process(job.get(), owner);
                } else {
                    wakeUps.tryAcquire(config.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // The job keeps its lease until it expires and is then retried; the worker must live on.
                LOG.error("Worker step failed; the job will be retried when its lease expires", e);
                pause();
            }
        }
    }

    private void pause() {
        try {
            Thread.sleep(config.pollInterval().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
