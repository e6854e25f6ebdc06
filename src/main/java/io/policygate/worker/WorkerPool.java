package io.policygate.worker;

import io.opentelemetry.context.Context;
import io.policygate.async.Stages;
import io.policygate.async.WebhooksInProgress;
import io.policygate.async.WorkThreads;
import io.policygate.config.WorkerConfig;
import io.policygate.gitlab.GitLabBudget;
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
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Claims due jobs from the journal and takes each one step further ({@link JobStep}): one dispatcher claims while
 * fewer than policy-gate.worker.jobs-in-flight of its jobs are in flight, and the worker threads do their work.
 * It claims at a moment when no webhook is being answered ({@link WebhooksInProgress}), waiting at most a poll
 * interval for one.
 * A job waiting for GitLab holds no thread, so GitLab's latency does not set how many jobs move at once. Intake
 * wakes the dispatcher; otherwise it polls, which also picks up retries that come due and jobs left behind by a
 * process that stopped.
 */
@ApplicationScoped
public class WorkerPool {

    private static final Logger LOG = Logger.getLogger(WorkerPool.class);
    /** After policies load (priority 1000 in ActivePolicies): a job must never meet an empty policy set. */
    static final int START_PRIORITY = 2000;
    /** How long a newly claimed job's first call may wait for GitLab's budget (see {@link #budgetSpentAhead()}). */
    private static final Duration BUDGET_QUEUE = Duration.ofSeconds(1);

    private final JobQueue jobs;
    private final ClusterLease leases;
    private final JobStep step;
    private final WorkerConfig config;
    private final GitLabCircuitBreaker breaker;
    private final GitLabBudget budget;
    private final String owner;
    private final Semaphore wakeUps = new Semaphore(0);
    private final Semaphore inFlight;
    private final WorkThreads threads;
    private final WebhooksInProgress webhooks;
    private final StepFailures failures;
    private volatile boolean running;
    private Thread dispatcher;

    @Inject
    public WorkerPool(
            JobQueue jobs,
            ClusterLease leases,
            JobStep step,
            WorkerConfig config,
            GitLabCircuitBreaker breaker,
            GitLabBudget budget,
            WorkThreads threads,
            WebhooksInProgress webhooks,
            StepFailures failures) {
        this.failures = failures;
        this.threads = threads;
        this.webhooks = webhooks;
        this.jobs = jobs;
        this.leases = leases;
        this.step = step;
        this.config = config;
        this.breaker = breaker;
        this.budget = budget;
        this.inFlight = new Semaphore(config.jobsInFlight());
        this.owner = ManagementFactory.getRuntimeMXBean().getName() + "/"
                + UUID.randomUUID().toString().substring(0, 8);
    }

    void onStart(@Observes @Priority(START_PRIORITY) StartupEvent start) {
        if (config.jobsInFlight() < 1) {
            throw new IllegalStateException("policy-gate.worker.jobs-in-flight (POLICY_GATE_WORKER_JOBS_IN_FLIGHT) is "
                    + config.jobsInFlight() + ": at least one job must be allowed in flight");
        }
        if (leases.exclusive()) {
            int released = leases.releaseEvery();
            if (released > 0) {
                LOG.infof("Resuming %d jobs left in progress by a previous run", released);
            }
        }
        running = true;
        dispatcher = new Thread(this::dispatch, "policy-gate-dispatcher");
        dispatcher.setDaemon(true);
        dispatcher.start();
    }

    /** Graceful stop: let in-flight jobs finish their step, then hand back any lease still held. */
    void onStop(@Observes ShutdownEvent stop) {
        running = false;
        if (dispatcher == null) {
            return;
        }
        long deadline = System.nanoTime() + config.shutdownGrace().toNanos();
        wakeUps.release();
        try {
            dispatcher.join(config.shutdownGrace().toMillis());
            // Every slot back means every job in flight has finished its step.
            if (!inFlight.tryAcquire(config.jobsInFlight(), remaining(deadline), TimeUnit.NANOSECONDS)) {
                LOG.infof(
                        "%d jobs were still in flight after policy-gate.worker.shutdown-grace",
                        config.jobsInFlight() - inFlight.availablePermits());
            }
            threads.shutdown(Duration.ofNanos(remaining(deadline)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        int released = leases.releaseAll(owner);
        if (released > 0) {
            LOG.infof("Released %d unfinished jobs for the next process", released);
        }
    }

    private static long remaining(long deadline) {
        return Math.max(0, deadline - System.nanoTime());
    }

    /** A new job is in the journal: the dispatcher takes it now rather than at the next poll. */
    void onWorkDue(@Observes WorkDue due) {
        if (due == WorkDue.JOB) {
            wakeUps.release();
        }
    }

    private void dispatch() {
        long poll = config.pollInterval().toMillis();
        while (running) {
            try {
                // Never interrupted: an interrupt in the middle of a claim would close H2's file.
                if (!inFlight.tryAcquire(poll, TimeUnit.MILLISECONDS)) {
                    continue;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            try {
                // Jobs in flight are for waiting on GitLab, not for the worker threads.
                threads.awaitRoom(config.pollInterval());
                // Webhooks first: GitLab waits for their answers, a job in the journal waits for nothing.
                webhooks.awaitNone(config.pollInterval());
                // While GitLab is down, or its rate limit is spent well ahead, jobs wait in the journal: nothing
                // is claimed, nothing busy-loops, and no claimed job waits for its calls until its lease runs out.
                Instant claimStarted = Instant.now();
                Optional<Job> job = breaker.holding() || budgetSpentAhead() || !running
                        ? Optional.empty()
                        : jobs.claimNext(owner, config.lease());
                if (job.isPresent()) {
                    step.process(job.get(), owner, threads, claimStarted)
                            .toCompletableFuture()
                            // Past its lease the job is another claimer's to take: its place here is given back.
                            .orTimeout(config.lease().toMillis(), TimeUnit.MILLISECONDS)
                            .whenComplete((done, failed) -> {
                                inFlight.release();
                                if (failed != null) {
                                    // On whichever thread ended it (a timer's, past the lease): still the job's.
                                    JobStep.logged(
                                            job.get(),
                                            Context.root(),
                                            () -> failures.record(job.get(), owner, Stages.cause(failed)));
                                }
                            });
                } else {
                    inFlight.release();
                    wakeUps.tryAcquire(poll, TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // A claim the journal refused, or a step the worker threads no longer take: the dispatcher lives on.
                inFlight.release();
                LOG.error("Claiming a job failed; trying again shortly", e);
                pause();
            }
        }
    }

    /**
     * True while a job claimed now would wait more than {@link #BUDGET_QUEUE} for its first GitLab call. Each of its
     * two or three calls waits about as long as the queue it joins, so a long queue makes every job in flight late
     * at once (a bench run claiming up to a quarter of the lease ahead: median verdict 37 s after its webhook)
     * and can outlast the lease; a short one makes the jobs finish in the order they came, at the same rate.
     */
    private boolean budgetSpentAhead() {
        return budget.queued().compareTo(BUDGET_QUEUE) > 0;
    }

    private void pause() {
        try {
            Thread.sleep(config.pollInterval().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
