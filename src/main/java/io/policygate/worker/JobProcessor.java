package io.policygate.worker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.policygate.config.ReportConfig;
import io.policygate.event.InvalidPayloadException;
import io.policygate.event.MergeRequestEventParser;
import io.policygate.event.ParsedEvent;
import io.policygate.gitlab.MergeRequestReads;
import io.policygate.gitlab.ReportOutcome;
import io.policygate.gitlab.StatusCheckReporter;
import io.policygate.gitlab.StatusReport;
import io.policygate.journal.Job;
import io.policygate.journal.JobState;
import io.policygate.journal.JournalStore;
import io.policygate.journal.NewVerdict;
import io.policygate.journal.ReportAttempt;
import io.policygate.note.NoteWriter;
import io.policygate.policy.ActivePolicies;
import io.policygate.policy.PolicySet;
import io.policygate.policy.Verdict;
import io.policygate.policy.VerdictStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Takes one leased job one step further: evaluate, then report (once per call; retries come back later).
 * A new verdict is stored together with its first report attempt: a crash between the two leaves the job
 * evaluating, and it is evaluated and reported again, which GitLab takes without harm.
 */
@ApplicationScoped
public class JobProcessor {

    private static final Logger LOG = Logger.getLogger(JobProcessor.class);

    private final JournalStore journal;
    private final ActivePolicies policies;
    private final StatusCheckReporter reporter;
    private final MergeRequestReads reads;
    private final NoteWriter notes;
    private final RetrySchedule retrySchedule;
    private final ReportConfig reportConfig;
    private final ObjectMapper json;
    private final Clock clock;
    private final MeterRegistry metrics;
    private final Timer webhookToReport;

    @Inject
    public JobProcessor(JournalStore journal, ActivePolicies policies, StatusCheckReporter reporter,
            MergeRequestReads reads, NoteWriter notes, RetrySchedule retrySchedule, ReportConfig reportConfig,
            ObjectMapper json, Clock clock, MeterRegistry metrics) {
        this.journal = journal;
        this.policies = policies;
        this.reporter = reporter;
        this.reads = reads;
        this.notes = notes;
        this.retrySchedule = retrySchedule;
        this.reportConfig = reportConfig;
        this.json = json;
        this.clock = clock;
        this.metrics = metrics;
        this.webhookToReport = Timer.builder("policy_gate_webhook_to_report")
                .description("time from accepting a webhook to GitLab taking its verdict")
                .publishPercentileHistogram().register(metrics);
    }

    void process(Job job, String owner) {
        // Every log line of this job says which evaluation, project and merge request it is about.
        MDC.put("evaluationId", job.id());
        MDC.put("project", String.valueOf(job.key().projectId()));
        MDC.put("mergeRequest", String.valueOf(job.key().mergeRequestIid()));
        try {
            step(job, owner);
        } finally {
            MDC.remove("evaluationId");
            MDC.remove("project");
            MDC.remove("mergeRequest");
        }
    }

    private void step(Job job, String owner) {
        if (job.state() == JobState.EVALUATING) {
            NewVerdict verdict = evaluate(job, owner);
            if (verdict != null) {
                report(job, owner, verdict);
            }
        } else if (job.state() == JobState.REPORTING) {
            report(job, owner, null);
        }
    }

    /**
     * @return the verdict, to be stored with the outcome of its first report (one write of the job instead
     *         of two); null when the job ended here or was superseded meanwhile
     */
    private NewVerdict evaluate(Job job, String owner) {
        ParsedEvent parsed;
        try {
            parsed = MergeRequestEventParser.parse(job.payload().getBytes(StandardCharsets.UTF_8),
                    OptionalLong.of(job.key().checkId()));
        } catch (InvalidPayloadException e) {
            // Intake validated this payload; only a change of parser between versions can get here.
            abandon(job, owner, "stored payload no longer valid: " + e.field() + " " + e.getMessage());
            return null;
        }
        if (!(parsed instanceof ParsedEvent.Actionable actionable)) {
            abandon(job, owner, "stored payload is no longer actionable: " + ((ParsedEvent.Ignored) parsed).reason());
            return null;
        }
        PolicySet set = policies.current();
        Verdict verdict = policies.evaluate(set, actionable.event(), reads.of(job.key(), job.sha()));
        metrics.counter("policy_gate_verdicts", "status", verdict.status().wireName(), "if_enforced",
                verdict.ifEnforced().wireName()).increment();
        verdict.policies().forEach(p -> metrics.counter("policy_gate_policy_results", "policy", p.policy(),
                "result", p.blocking() ? "failed" : p.failsOnlyInAudit() ? "audit-failed" : "passed",
                "mode", p.mode().wireName()).increment());
        if (!journal.stillEvaluating(job.id(), owner)) {
            LOG.infof("Evaluation %s for %s was superseded while it was evaluated", job.id(), job.key());
            return null;
        }
        LOG.infof("Evaluation %s for %s at %s: %s (%s)", job.id(), job.key(), job.sha(), verdict.status().wireName(),
                verdict.summary());
        try {
            return new NewVerdict(verdict.status().wireName(), verdict.ifEnforced().wireName(),
                    json.writeValueAsString(verdict), json.writeValueAsString(set.files()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a verdict is always serialisable", e);
        }
    }

    /** @param newVerdict the verdict when it was reached in this step, else null (it is in the journal) */
    private void report(Job job, String owner, NewVerdict newVerdict) {
        String verdictName = newVerdict != null ? newVerdict.verdict() : job.verdict();
        VerdictStatus verdict = VerdictStatus.valueOf(verdictName.toUpperCase(java.util.Locale.ROOT));
        Instant started = clock.instant();
        ReportOutcome outcome = reporter.report(new StatusReport(job.key(), job.sha(), verdict));
        if (outcome instanceof ReportOutcome.Postponed postponed) {
            // Spread the waiting jobs over the next seconds so they do not all probe GitLab at once.
            journal.postpone(job.id(), owner, postponed.until().plus(retrySchedule.spread()), postponed.detail(),
                    newVerdict);
            return;
        }
        Instant finished = clock.instant();
        int attemptNumber = job.attempts() + 1;
        ReportAttempt attempt = new ReportAttempt(attemptNumber, started,
                Duration.between(started, finished).toMillis(), outcome.httpStatus(), outcome.kind(),
                outcome.detail());
        JobState finalState;
        Instant retryAt = null;
        if (outcome instanceof ReportOutcome.Delivered || outcome instanceof ReportOutcome.NotPosted) {
            finalState = JobState.REPORTED;
        } else if (outcome instanceof ReportOutcome.Superseded) {
            finalState = JobState.SUPERSEDED;
        } else if (outcome instanceof ReportOutcome.Transient t) {
            retryAt = finished.plus(retrySchedule.delayAfter(attemptNumber, t.retryAfter()));
            if (retryAt.isAfter(job.createdAt().plus(reportConfig.retryFor()))) {
                finalState = JobState.DEAD;
                attempt = new ReportAttempt(attempt.attempt(), attempt.startedAt(), attempt.durationMillis(),
                        attempt.httpStatus(), attempt.outcome(), attempt.detail() + "; gave up after retrying for "
                                + reportConfig.retryFor() + " (policy-gate.report.retry-for)");
            } else {
                finalState = null;
                LOG.warnf("Evaluation %s for %s: report attempt %d failed (%s); next attempt at %s", job.id(),
                        job.key(), attemptNumber, t.detail(), retryAt);
            }
        } else {
            finalState = JobState.DEAD;
        }
        if (finalState == JobState.DEAD) {
            LOG.errorf("Evaluation %s for %s is dead: %s", job.id(), job.key(), attempt.detail());
        }
        boolean noteDue = finalState == JobState.REPORTED
                && reportConfig.comment().noteDue(verdict, () -> journal.failedBefore(job.key(), job.id()));
        if (!journal.recordReport(job.id(), owner, attempt, finalState, finalState == null ? retryAt : null, noteDue,
                newVerdict)) {
            LOG.infof("Evaluation %s for %s was superseded while it was reported", job.id(), job.key());
        } else if (finalState == JobState.REPORTED) {
            LOG.infof("Evaluation %s for %s reported: %s", job.id(), job.key(), outcome.detail());
            webhookToReport.record(Duration.between(job.createdAt(), finished));
            if (noteDue) {
                notes.wakeUp();
            }
        }
    }

    private void abandon(Job job, String owner, String reason) {
        LOG.errorf("Evaluation %s for %s is dead: %s", job.id(), job.key(), reason);
        journal.abandon(job.id(), owner, reason);
    }
}
