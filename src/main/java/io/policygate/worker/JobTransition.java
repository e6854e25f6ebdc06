package io.policygate.worker;

import io.policygate.gitlab.ReportOutcome;
import io.policygate.journal.JobState;
import io.policygate.journal.ReportAttempt;
import io.policygate.journal.RetrySchedule;
import java.time.Duration;
import java.time.Instant;

/**
 * What a step's outcome makes of its job: the one place that decides done, retry or dead. GitLab took the verdict
 * (or nothing was to be posted): reported. A newer commit is HEAD: superseded. Worth another try: the job waits
 * in reporting until {@code retryAt}, unless that is past {@code policy-gate.report.retry-for} from the webhook,
 * when it is dead and its attempt says so. A refusal: dead.
 *
 * @param finalState null while the job waits for its next attempt
 * @param retryAt when the next attempt is due; null unless the job waits
 * @param attempt the attempt as the journal keeps it
 */
record JobTransition(JobState finalState, Instant retryAt, ReportAttempt attempt) {

    static JobTransition of(
            ReportOutcome outcome,
            ReportAttempt attempt,
            Instant finished,
            Instant webhookAccepted,
            Duration retryFor,
            RetrySchedule schedule) {
        if (outcome instanceof ReportOutcome.Delivered || outcome instanceof ReportOutcome.NotPosted) {
            return new JobTransition(JobState.REPORTED, null, attempt);
        }
        if (outcome instanceof ReportOutcome.Superseded) {
            return new JobTransition(JobState.SUPERSEDED, null, attempt);
        }
        if (outcome instanceof ReportOutcome.Transient t) {
            Instant retryAt = finished.plus(schedule.delayAfter(attempt.attempt(), t.retryAfter()));
            if (!retryAt.isAfter(webhookAccepted.plus(retryFor))) {
                return new JobTransition(null, retryAt, attempt);
            }
            return new JobTransition(
                    JobState.DEAD,
                    null,
                    new ReportAttempt(
                            attempt.attempt(),
                            attempt.startedAt(),
                            attempt.durationMillis(),
                            attempt.httpStatus(),
                            attempt.outcome(),
                            attempt.detail() + "; gave up after retrying for " + retryFor
                                    + " (policy-gate.report.retry-for)",
                            null));
        }
        return new JobTransition(JobState.DEAD, null, attempt);
    }

    /**
     * What a step that failed unforeseen makes of its job: tried again after a backoff, or dead once {@code inARow}
     * steps failed the same way and that reaches {@code max}. {@code attempt} is null: nothing was asked of GitLab.
     */
    static JobTransition ofStepFailure(int inARow, int max, Instant failed, RetrySchedule schedule) {
        return inARow >= max
                ? new JobTransition(JobState.DEAD, null, null)
                : new JobTransition(null, failed.plus(schedule.delayAfter(inARow, null)), null);
    }

    /** Whether the job waits in reporting for another attempt. */
    boolean waits() {
        return finalState == null;
    }
}
