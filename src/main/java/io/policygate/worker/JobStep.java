package io.policygate.worker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.policygate.config.ReportConfig;
import io.policygate.config.ServiceConfig;
import io.policygate.config.StatusMode;
import io.policygate.config.WebhookConfig;
import io.policygate.event.InvalidPayloadException;
import io.policygate.event.MergeRequestEvent;
import io.policygate.event.MergeRequestEventParser;
import io.policygate.event.ParsedEvent;
import io.policygate.gitlab.GitLabCircuitBreaker;
import io.policygate.gitlab.ReportOutcome;
import io.policygate.gitlab.StatusCheckReporter;
import io.policygate.gitlab.StatusPosting;
import io.policygate.gitlab.StatusReport;
import io.policygate.journal.EvaluationRecords;
import io.policygate.journal.Job;
import io.policygate.journal.JobQueue;
import io.policygate.journal.JobState;
import io.policygate.journal.MergeRequestNames;
import io.policygate.journal.NewVerdict;
import io.policygate.journal.ReportAttempt;
import io.policygate.journal.RetrySchedule;
import io.policygate.journal.WorkDue;
import io.policygate.policy.ActivePolicies;
import io.policygate.policy.PolicySet;
import io.policygate.policy.Verdict;
import io.policygate.policy.VerdictStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Takes one leased job one step further. Every step judges GitLab's facts as they are now: it reads the merge
 * request, its status checks and (when a rule asks) the changes of the job's commit, evaluates, and posts that
 * verdict. A report that GitLab did not take is retried by a later step, which evaluates again: a verdict is
 * only ever posted in the step that computed it. The verdict is stored with the outcome of its report, in one
 * write of the job: a crash in between leaves the job unfinished, and its next step does it again.
 */
@ApplicationScoped
public class JobStep {

    private static final Logger LOG = Logger.getLogger(JobStep.class);

    private final JobQueue jobs;
    private final EvaluationRecords records;
    private final ActivePolicies policies;
    private final GitLabFacts facts;
    private final StatusCheckReporter reporter;
    private final GitLabCircuitBreaker breaker;
    private final StatusPosting posting;
    private final EvaluationQueue queue;
    private final Event<WorkDue> due;
    private final RetrySchedule retrySchedule;
    private final ReportConfig reportConfig;
    private final ServiceConfig service;
    private final Duration coalesce;
    private final ObjectMapper json;
    private final Clock clock;
    private final MeterRegistry metrics;
    private final Timer webhookToReport;
    private final Counter tampered;

    @Inject
    public JobStep(
            JobQueue jobs,
            EvaluationRecords records,
            ActivePolicies policies,
            GitLabFacts facts,
            StatusCheckReporter reporter,
            GitLabCircuitBreaker breaker,
            StatusPosting posting,
            EvaluationQueue queue,
            Event<WorkDue> due,
            RetrySchedule retrySchedule,
            ReportConfig reportConfig,
            ServiceConfig service,
            WebhookConfig webhook,
            ObjectMapper json,
            Clock clock,
            MeterRegistry metrics) {
        this.jobs = jobs;
        this.records = records;
        this.policies = policies;
        this.facts = facts;
        this.reporter = reporter;
        this.breaker = breaker;
        this.posting = posting;
        this.queue = queue;
        this.due = due;
        this.retrySchedule = retrySchedule;
        this.reportConfig = reportConfig;
        this.service = service;
        this.coalesce = webhook.coalesce();
        this.json = json;
        this.clock = clock;
        this.metrics = metrics;
        this.webhookToReport = Timer.builder("policy_gate_webhook_to_report")
                .description("time from accepting a webhook to GitLab taking its verdict")
                .publishPercentileHistogram()
                .register(metrics);
        this.tampered = Counter.builder("policy_gate_tampered")
                .description("statuses GitLab showed as passed for a commit that policy-gate had not passed")
                .register(metrics);
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

    /**
     * What one step came to: GitLab's answer (or why nothing was posted), the verdict it computed if it got that
     * far, and the HEAD commit to queue when the job's commit is no longer it.
     */
    private record Step(ReportOutcome outcome, NewVerdict verdict, GitLabFacts.Moved moved) {
        Step(ReportOutcome outcome) {
            this(outcome, null, null);
        }
    }

    private void step(Job job, String owner) {
        Optional<MergeRequestEvent> trigger = trigger(job, owner);
        if (trigger.isEmpty()) {
            return;
        }
        Instant started = clock.instant();
        Step step;
        if (facts.readsGitLab()) {
            // The whole step is one call through the breaker: while it holds, the job waits without counting an
            // attempt.
            try {
                step = breaker.call(
                        () -> judge(job, owner, trigger.get()),
                        judged -> judged != null && judged.outcome() instanceof ReportOutcome.Transient);
            } catch (GitLabCircuitBreaker.Blocked blocked) {
                // Spread the waiting jobs over the next seconds so they do not all probe GitLab at once.
                jobs.postpone(
                        job.id(), owner, blocked.until().plus(retrySchedule.spread()), blocked.getMessage(), null);
                return;
            }
        } else {
            step = judge(job, owner, trigger.get());
        }
        if (step == null) {
            return;
        }
        settle(job, owner, started, step);
        if (step.moved() != null) {
            queueHead(job, step.moved());
        }
    }

    /** The webhook the job was stored for: which merge request and check to look at. */
    private Optional<MergeRequestEvent> trigger(Job job, String owner) {
        try {
            ParsedEvent parsed = MergeRequestEventParser.parse(
                    job.payload().getBytes(StandardCharsets.UTF_8),
                    OptionalLong.of(job.key().checkId()));
            if (parsed instanceof ParsedEvent.Actionable actionable) {
                return Optional.of(actionable.event());
            }
            abandon(job, owner, "stored payload is no longer actionable: " + ((ParsedEvent.Ignored) parsed).reason());
        } catch (InvalidPayloadException e) {
            // Intake validated this payload; only a change of parser between versions can get here.
            abandon(job, owner, "stored payload no longer valid: " + e.field() + " " + e.getMessage());
        }
        return Optional.empty();
    }

    /** Reads GitLab's facts, evaluates them and posts the verdict; null when the job was superseded meanwhile. */
    private Step judge(Job job, String owner, MergeRequestEvent trigger) {
        GitLabFacts.Reading reading = facts.read(job, trigger);
        if (reading instanceof GitLabFacts.Unreadable unreadable) {
            return new Step(ReportOutcome.fromReadFailure(unreadable.failure()));
        }
        if (reading instanceof GitLabFacts.Finished finished) {
            return new Step(new ReportOutcome.Superseded(
                    null,
                    "the merge request is " + finished.state()
                            + " in GitLab: nothing is left to judge, nothing is posted"));
        }
        if (reading instanceof GitLabFacts.NotOurs notOurs) {
            return new Step(new ReportOutcome.Rejected(null, notOurs.reason()));
        }
        if (reading instanceof GitLabFacts.Moved moved) {
            String head = moved.mergeRequest().sha();
            return new Step(
                    new ReportOutcome.Superseded(
                            null,
                            head == null
                                    ? "the merge request has no commits in GitLab any more: nothing is posted"
                                    : "GitLab's HEAD of the merge request is " + head
                                            + ", not this commit: nothing is posted for it,"
                                            + " the HEAD is evaluated instead"),
                    null,
                    head == null ? null : moved);
        }
        GitLabFacts.Current current = (GitLabFacts.Current) reading;
        PolicySet set = policies.current();
        Verdict verdict = policies.evaluate(set, current.mergeRequest(), current.data());
        if (current.unreadable().isPresent()) {
            // A rule needed the commit's changes or commits and GitLab could not give them: no verdict on less.
            return new Step(ReportOutcome.fromReadFailure(current.unreadable().get()));
        }
        metrics.counter(
                        "policy_gate_verdicts",
                        "status",
                        verdict.status().wireName(),
                        "if_enforced",
                        verdict.ifEnforced().wireName())
                .increment();
        verdict.policies()
                .forEach(p -> metrics.counter(
                                "policy_gate_policy_results",
                                "policy",
                                p.policy(),
                                "result",
                                p.blocking() ? "failed" : p.failsOnlyInAudit() ? "audit-failed" : "passed",
                                "mode",
                                p.mode().wireName())
                        .increment());
        if (!jobs.stillHeld(job.id(), owner)) {
            LOG.infof("Evaluation %s for %s was superseded while it was evaluated", job.id(), job.key());
            return null;
        }
        String tamperedWith = tamperedWith(job, current.status(), verdict.status());
        LOG.infof(
                "Evaluation %s for %s at %s: %s (%s)",
                job.id(), job.key(), job.sha(), verdict.status().wireName(), verdict.summary());
        NewVerdict newVerdict;
        try {
            newVerdict = new NewVerdict(
                    verdict.status(),
                    verdict.ifEnforced(),
                    json.writeValueAsString(verdict),
                    json.writeValueAsString(set.files()),
                    json.writeValueAsString(current.mergeRequest()),
                    MergeRequestNames.of(current.mergeRequest()),
                    tamperedWith);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a verdict is always serialisable", e);
        }
        return new Step(reporter.report(new StatusReport(job.key(), job.sha(), verdict.status())), newVerdict, null);
    }

    /**
     * What GitLab showed that policy-gate had not given, or null. GitLab lets any Developer of a project post a
     * status to any check (ee/lib/api/status_checks.rb records no author), so a {@code passed} at this commit is
     * policy-gate's only if the last verdict GitLab took from policy-gate for the commit was {@code passed}. When
     * GitLab took none from it, a {@code passed} counts only against a failing verdict: what policy-gate posted is
     * kept for policy-gate.history.keep, and an older pass of its own may be gone. Only where policy-gate posts
     * passed and failed itself (standard status mode, not a dry run).
     */
    private String tamperedWith(Job job, Optional<String> status, VerdictStatus verdict) {
        if (!status.equals(Optional.of("passed")) || service.dryRun() || posting.mode() != StatusMode.STANDARD) {
            return null;
        }
        Optional<String> posted = records.lastPosted(job.key(), job.sha());
        if (posted.equals(Optional.of("passed")) || (posted.isEmpty() && verdict == VerdictStatus.PASSED)) {
            return null;
        }
        String detail = "GitLab showed passed for status check " + job.key().checkId() + " at " + job.sha()
                + ", which policy-gate had not given (the last verdict it posted for this commit: "
                + posted.orElse("none") + "); policy-gate's verdict, " + verdict.wireName() + ", replaces it";
        if (job.tampered() == null) {
            tampered.increment();
            LOG.warnf(
                    "Tampered status on project %d merge request !%d: %s",
                    job.key().projectId(), job.key().mergeRequestIid(), detail);
        }
        return detail;
    }

    /** Records a step: its attempt, the transition {@link JobTransition} decides, and the note that may follow. */
    private void settle(Job job, String owner, Instant started, Step step) {
        ReportOutcome outcome = step.outcome();
        Instant finished = clock.instant();
        int attemptNumber = job.attempts() + 1;
        ReportAttempt attempt = new ReportAttempt(
                attemptNumber,
                started,
                Duration.between(started, finished).toMillis(),
                outcome.httpStatus(),
                outcome.kind(),
                outcome.detail(),
                outcome instanceof ReportOutcome.Delivered
                        ? step.verdict().status().wireName()
                        : null);
        JobTransition transition =
                JobTransition.of(outcome, attempt, finished, job.createdAt(), reportConfig.retryFor(), retrySchedule);
        JobState finalState = transition.finalState();
        Instant retryAt = transition.retryAt();
        attempt = transition.attempt();
        if (transition.waits()) {
            LOG.warnf(
                    "Evaluation %s for %s: attempt %d failed (%s); next attempt at %s",
                    job.id(), job.key(), attemptNumber, outcome.detail(), retryAt);
        }
        if (finalState == JobState.DEAD) {
            LOG.errorf("Evaluation %s for %s is dead: %s", job.id(), job.key(), attempt.detail());
        }
        VerdictStatus verdict = step.verdict() == null ? null : step.verdict().status();
        boolean noteDue = finalState == JobState.REPORTED
                && verdict != null
                && reportConfig
                        .comment()
                        .noteDue(
                                verdict == VerdictStatus.FAILED,
                                step.verdict().tampered() != null,
                                () -> records.failedBefore(job.key(), job.id()));
        Instant again = started.plus(coalesce).isAfter(finished) ? started.plus(coalesce) : finished;
        JobQueue.Recorded recorded = jobs.recordReport(
                job.id(), owner, job.generation(), attempt, finalState, retryAt, noteDue, step.verdict(), again);
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

    /** The job's commit is not GitLab's HEAD: the HEAD gets a job, unless one exists (finished or not). */
    private void queueHead(Job job, GitLabFacts.Moved moved) {
        String head = moved.mergeRequest().sha();
        if (records.standing(job.key(), head).isEmpty()
                && queue.queue(
                        job.key().projectId(),
                        json.valueToTree(moved.mergeRequest()),
                        job.key().checkId(),
                        moved.check().name(),
                        "head-of-merge-request")) {
            LOG.infof("Queued %s at GitLab's HEAD %s", job.key(), head);
        }
    }

    private void abandon(Job job, String owner, String reason) {
        LOG.errorf("Evaluation %s for %s is dead: %s", job.id(), job.key(), reason);
        jobs.abandon(job.id(), owner, reason);
    }
}
