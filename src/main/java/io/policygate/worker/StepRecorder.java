package io.policygate.worker;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.policygate.config.ReportConfig;
import io.policygate.config.WebhookConfig;
import io.policygate.gitlab.ReportOutcome;
import io.policygate.journal.EvaluationRecords;
import io.policygate.journal.Job;
import io.policygate.journal.JobQueue;
import io.policygate.journal.JobState;
import io.policygate.journal.NewVerdict;
import io.policygate.journal.ReportAttempt;
import io.policygate.journal.RetrySchedule;
import io.policygate.journal.WorkDue;
import io.policygate.policy.VerdictStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * The record step of a job: its attempt, the transition {@link JobTransition} decides, the verdict it reached and
 * whether its merge request note is due, in one write of the journal; then the note writer is told, and the
 * webhook-to-report time measured.
 */
@ApplicationScoped
public class StepRecorder {

    private static final Logger LOG = Logger.getLogger(StepRecorder.class);

    private final JobQueue jobs;
    private final EvaluationRecords records;
    private final RetrySchedule retrySchedule;
    private final ReportConfig reportConfig;
    private final Duration coalesce;
    private final Event<WorkDue> due;
    private final Clock clock;
    private final Timer webhookToReport;

    @Inject
    public StepRecorder(
            JobQueue jobs,
            EvaluationRecords records,
            RetrySchedule retrySchedule,
            ReportConfig reportConfig,
            WebhookConfig webhook,
            Event<WorkDue> due,
            Clock clock,
            MeterRegistry metrics) {
        this.jobs = jobs;
        this.records = records;
        this.retrySchedule = retrySchedule;
        this.reportConfig = reportConfig;
        this.coalesce = webhook.coalesce();
        this.due = due;
        this.clock = clock;
        this.webhookToReport = Timer.builder("policy_gate_webhook_to_report")
                .description("time from accepting a webhook to GitLab taking its verdict")
                .publishPercentileHistogram()
                .register(metrics);
    }

    /** @param verdict the verdict this step reached; null when it reached none */
    void record(Job job, String owner, Instant started, ReportOutcome outcome, NewVerdict verdict) {
        Instant finished = clock.instant();
        int attemptNumber = job.attempts() + 1;
        ReportAttempt attempt = new ReportAttempt(
                attemptNumber,
                started,
                Duration.between(started, finished).toMillis(),
                outcome.httpStatus(),
                outcome.kind(),
                outcome.detail(),
                outcome instanceof ReportOutcome.Delivered ? verdict.status().wireName() : null);
        JobTransition transition =
                JobTransition.of(outcome, attempt, finished, job.createdAt(), reportConfig.retryFor(), retrySchedule);
        JobState finalState = transition.finalState();
        attempt = transition.attempt();
        if (transition.waits()) {
            LOG.warnf(
                    "Evaluation %s for %s: attempt %d failed (%s); next attempt at %s",
                    job.id(), job.key(), attemptNumber, outcome.detail(), transition.retryAt());
        }
        if (finalState == JobState.DEAD) {
            LOG.errorf("Evaluation %s for %s is dead: %s", job.id(), job.key(), attempt.detail());
        }
        boolean noteDue = finalState == JobState.REPORTED
                && verdict != null
                && reportConfig
                        .comment()
                        .noteDue(
                                verdict.status() == VerdictStatus.FAILED,
                                verdict.tampered() != null,
                                !verdict.waivers().isEmpty() || verdict.policyChange(),
                                () -> records.mayHaveNote(job.key(), job.id()));
        Instant again = started.plus(coalesce).isAfter(finished) ? started.plus(coalesce) : finished;
        JobQueue.Recorded recorded = jobs.recordReport(
                job.id(), owner, job.generation(), attempt, finalState, transition.retryAt(), noteDue, verdict, again);
        switch (recorded) {
            case LOST -> LOG.infof("Evaluation %s for %s was superseded while it was reported", job.id(), job.key());
            case EVALUATE_AGAIN ->
                LOG.infof(
                        "Evaluation %s for %s is evaluated again at %s: a webhook for %s"
                                + " arrived while it was evaluated",
                        job.id(), job.key(), again, job.sha());
            case DONE -> {
                if (finalState == JobState.REPORTED) {
                    LOG.infof("Evaluation %s for %s reported: %s", job.id(), job.key(), outcome.detail());
                    webhookToReport.record(Duration.between(job.createdAt(), finished));
                    if (noteDue) {
                        due.fire(WorkDue.NOTE);
                    }
                } else if (finalState == JobState.SUPERSEDED) {
                    LOG.infof("Evaluation %s for %s superseded: %s", job.id(), job.key(), outcome.detail());
                }
            }
        }
    }
}
