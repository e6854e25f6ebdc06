package io.policygate.worker;

import io.policygate.config.WorkerConfig;
import io.policygate.journal.Job;
import io.policygate.journal.JobQueue;
import io.policygate.journal.JobState;
import io.policygate.journal.JournalUnavailableException;
import io.policygate.journal.RetrySchedule;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import org.jboss.logging.Logger;

/**
 * A job's step that failed in a way nothing foresaw: an exception out of policy-gate's own code or a plug-in's. The
 * job is tried again after a backoff, and ends dead once {@code policy-gate.worker.max-step-failures} steps in a row
 * failed the same way ({@link JobTransition#ofStepFailure}): a failure that repeats is not going to pass, and a job
 * claimed again at every lease for ever would hide it.
 */
@ApplicationScoped
class StepFailures {

    private static final Logger LOG = Logger.getLogger(StepFailures.class);

    private final JobQueue jobs;
    private final RetrySchedule schedule;
    private final Clock clock;
    private final int max;

    @Inject
    StepFailures(JobQueue jobs, RetrySchedule schedule, Clock clock, WorkerConfig config) {
        this.jobs = jobs;
        this.schedule = schedule;
        this.clock = clock;
        this.max = config.maxStepFailures();
    }

    void record(Job job, String owner, Throwable cause) {
        String failure = describe(cause);
        try {
            int inARow = jobs.stepFailuresLike(job.id(), failure) + 1;
            JobTransition transition = JobTransition.ofStepFailure(inARow, max, clock.instant(), schedule);
            jobs.recordStepFailure(job.id(), owner, failure, inARow, transition.retryAt());
            if (transition.finalState() == JobState.DEAD) {
                LOG.errorf(
                        "Evaluation %s for %s is dead: its step failed %d times in a row (%s)",
                        job.id(), job.key(), inARow, failure);
            } else {
                // The stack trace once per run of failures alike: the ones after it say only that it repeats.
                LOG.errorf(
                        inARow == 1 ? cause : null,
                        "Evaluation %s for %s: its step failed (%s, %d in a row); tried again at %s",
                        job.id(),
                        job.key(),
                        failure,
                        inARow,
                        transition.retryAt());
            }
        } catch (JournalUnavailableException e) {
            // The journal cannot say it: the job keeps its lease until it expires and is then retried.
            LOG.errorf(
                    cause,
                    "Evaluation %s for %s: its step failed (%s), and the journal could not record it",
                    job.id(),
                    job.key(),
                    failure);
        }
    }

    /** The failure as it is compared with the last: its type and the first line of its message. */
    private static String describe(Throwable cause) {
        String message = String.valueOf(cause.getMessage()).lines().findFirst().orElse("");
        return cause.getClass().getName() + ": " + message;
    }
}
