package io.policygate.worker;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.policygate.async.Stages;
import io.policygate.event.Origin;
import io.policygate.gitlab.GitLabCircuitBreaker;
import io.policygate.gitlab.ReportOutcome;
import io.policygate.gitlab.StatusCheckReporter;
import io.policygate.gitlab.StatusReport;
import io.policygate.journal.EvaluationRecords;
import io.policygate.journal.Job;
import io.policygate.journal.JobQueue;
import io.policygate.journal.NewVerdict;
import io.policygate.journal.RetrySchedule;
import io.policygate.policy.DataUnavailableException;
import io.policygate.tracing.Traces;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Takes one leased job one step further. Every step judges GitLab's facts as they are now: it reads the merge
 * request (the project's status checks from a cache) and, when a rule asks, the changes of the job's commit,
 * evaluates, and posts that verdict: two calls to GitLab, three when a rule reads the changes. The step is a chain of stages: its work runs on the worker threads, and between them it waits for
 * GitLab holding none, so that many jobs can be in flight while GitLab takes its time. A report that GitLab did not take is retried by a later step, which evaluates again: a verdict is
 * only ever posted in the step that computed it. The verdict is stored with the outcome of its report, in one
 * write of the job: a crash in between leaves the job unfinished, and its next step does it again.
 */
@ApplicationScoped
public class JobStep {

    private static final Logger LOG = Logger.getLogger(JobStep.class);

    private final JobQueue jobs;
    private final EvaluationRecords records;
    private final GitLabFacts facts;
    private final GitLabCircuitBreaker breaker;
    private final Evaluator evaluator;
    private final StatusCheckReporter reporter;
    private final StepRecorder recorder;
    private final EvaluationQueue queue;
    private final RetrySchedule retrySchedule;
    private final Traces traces;
    private final Clock clock;

    @Inject
    public JobStep(
            JobQueue jobs,
            EvaluationRecords records,
            GitLabFacts facts,
            GitLabCircuitBreaker breaker,
            Evaluator evaluator,
            StatusCheckReporter reporter,
            StepRecorder recorder,
            EvaluationQueue queue,
            RetrySchedule retrySchedule,
            Traces traces,
            Clock clock) {
        this.jobs = jobs;
        this.records = records;
        this.facts = facts;
        this.breaker = breaker;
        this.evaluator = evaluator;
        this.reporter = reporter;
        this.recorder = recorder;
        this.queue = queue;
        this.retrySchedule = retrySchedule;
        this.traces = traces;
        this.clock = clock;
    }

    /**
     * Takes {@code job} one step further. Its work (parsing, evaluating, writing the journal) runs on {@code work};
     * while it waits for GitLab it holds no thread. The stage completes once the step is recorded. The step is a span
     * of the trace of the request that queued the job (its claim, begun at {@code claimStarted}, the first child),
     * current on every thread that works for it.
     */
    CompletionStage<Void> process(Job job, String owner, Executor work, Instant claimStarted) {
        Context queuedBy = Traces.parentOf(job.traceParent());
        Span step = traces.span("policy-gate step", queuedBy)
                .setStartTimestamp(claimStarted)
                .setAttribute("policy_gate.evaluation_id", job.id())
                .setAttribute("gitlab.project_id", job.key().projectId())
                .setAttribute("gitlab.merge_request_iid", job.key().mergeRequestIid())
                .setAttribute("vcs.sha", Traces.shortSha(job.sha()))
                .startSpan();
        Context inStep = queuedBy.with(step);
        traces.span("claim", inStep).setStartTimestamp(claimStarted).startSpan().end();
        Executor inJob = task -> work.execute(() -> logged(job, inStep, task));
        return CompletableFuture.supplyAsync(() -> step(job, owner, inJob), inJob)
                .thenCompose(stage -> stage)
                .whenComplete((done, failed) -> {
                    if (failed != null) {
                        step.recordException(Stages.cause(failed));
                    }
                    step.end();
                });
    }

    /**
     * Every log line of the job's work says which evaluation, project and merge request it is about, and, while the
     * step's span is recording, its trace and span.
     */
    static void logged(Job job, Context step, Runnable task) {
        MDC.put("evaluationId", job.id());
        MDC.put("project", String.valueOf(job.key().projectId()));
        MDC.put("mergeRequest", String.valueOf(job.key().mergeRequestIid()));
        SpanContext span = Span.fromContext(step).getSpanContext();
        if (span.isValid()) {
            MDC.put("traceId", span.getTraceId());
            MDC.put("spanId", span.getSpanId());
        }
        try (Scope scope = step.makeCurrent()) {
            task.run();
        } finally {
            MDC.remove("evaluationId");
            MDC.remove("project");
            MDC.remove("mergeRequest");
            MDC.remove("traceId");
            MDC.remove("spanId");
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

    private CompletionStage<Void> step(Job job, String owner, Executor inJob) {
        Instant started = clock.instant();
        // The whole step is one call through the breaker: while it holds, the job waits without counting an
        // attempt.
        CompletionStage<Step> judged = facts.readsGitLab()
                ? breaker.call(
                        () -> judge(job, owner, inJob),
                        step -> step != null
                                && step.outcome() instanceof ReportOutcome.Transient failed
                                && failed.gitLabFailing())
                : judge(job, owner, inJob);
        return judged.handleAsync(
                (step, failed) -> {
                    if (failed != null) {
                        Throwable cause = Stages.cause(failed);
                        if (!(cause instanceof GitLabCircuitBreaker.Blocked blocked)) {
                            throw new CompletionException(cause);
                        }
                        // Spread the waiting jobs over the next seconds so they do not all probe GitLab at once.
                        jobs.postpone(
                                job.id(),
                                owner,
                                blocked.until().plus(retrySchedule.spread()),
                                blocked.getMessage(),
                                null);
                    } else if (step != null) {
                        recorder.record(job, owner, started, step.outcome(), step.verdict());
                        if (step.moved() != null) {
                            queueHead(job, step.moved());
                        }
                    }
                    return null;
                },
                inJob);
    }

    /**
     * Reads GitLab's facts, evaluates them ({@link Evaluator}) and posts the verdict; null when the job was
     * superseded meanwhile.
     */
    private CompletionStage<Step> judge(Job job, String owner, Executor inJob) {
        return facts.read(job).thenComposeAsync(reading -> judged(job, owner, reading, inJob), inJob);
    }

    private CompletionStage<Step> judged(Job job, String owner, GitLabFacts.Reading reading, Executor inJob) {
        if (reading instanceof GitLabFacts.Unreadable unreadable) {
            return done(new Step(ReportOutcome.fromReadFailure(unreadable.failure())));
        }
        if (reading instanceof GitLabFacts.Finished finished) {
            return done(new Step(new ReportOutcome.Superseded(
                    null,
                    "the merge request is " + finished.state()
                            + " in GitLab: nothing is left to judge, nothing is posted")));
        }
        if (reading instanceof GitLabFacts.NotOurs notOurs) {
            return done(new Step(new ReportOutcome.Rejected(null, notOurs.reason())));
        }
        if (reading instanceof GitLabFacts.Moved moved) {
            String head = moved.mergeRequest().sha();
            return done(new Step(
                    new ReportOutcome.Superseded(
                            null,
                            head == null
                                    ? "the merge request has no commits in GitLab any more: nothing is posted"
                                    : "GitLab's HEAD of the merge request is " + head
                                            + ", not this commit: nothing is posted for it,"
                                            + " the HEAD is evaluated instead"),
                    null,
                    head == null ? null : moved));
        }
        return verdictOn(job, owner, (GitLabFacts.Current) reading, inJob);
    }

    /**
     * Evaluates {@code current} and posts the verdict. When a rule asked for the commit's changes or commits and
     * they were not read yet, they are read now and the facts evaluated again: what a job reads follows from what
     * its rules ask, and it waits for the reads without a thread.
     */
    private CompletionStage<Step> verdictOn(Job job, String owner, GitLabFacts.Current current, Executor inJob) {
        Optional<Evaluator.Evaluated> evaluated;
        Span evaluation = traces.span("evaluate", Context.current()).startSpan();
        try (Scope scope = evaluation.makeCurrent()) {
            evaluated = evaluator.evaluate(current);
            evaluated.ifPresentOrElse(
                    e -> evaluation
                            .setAttribute(
                                    "policy_gate.policies",
                                    e.verdict().policies().size())
                            .setAttribute(
                                    "policy_gate.verdict", e.verdict().status().wireName()),
                    // A rule asked for what GitLab has not given yet: it is read, and the facts evaluated again.
                    () -> evaluation.setAttribute("policy_gate.read_first", true));
        } catch (DataUnavailableException e) {
            return done(new Step(ReportOutcome.fromReadFailure(e)));
        } finally {
            evaluation.end();
        }
        if (evaluated.isEmpty()) {
            if (current.unread()) {
                return current.read().thenComposeAsync(read -> verdictOn(job, owner, read, inJob), inJob);
            }
            return done(
                    new Step(ReportOutcome.fromReadFailure(current.unreadable().get())));
        }
        if (!jobs.stillHeld(job.id(), owner)) {
            LOG.infof("Evaluation %s for %s was superseded while it was evaluated", job.id(), job.key());
            return done(null);
        }
        NewVerdict verdict = evaluator.record(job, current, evaluated.get());
        LOG.infof(
                "Evaluation %s for %s at %s: %s (%s)",
                job.id(),
                job.key(),
                job.sha(),
                verdict.status().wireName(),
                evaluated.get().verdict().summary());
        Span report = traces.span("report", Context.current())
                .setAttribute("policy_gate.verdict", verdict.status().wireName())
                .startSpan();
        try (Scope scope = report.makeCurrent()) {
            return reporter.report(new StatusReport(job.key(), job.sha(), verdict.status()))
                    .whenComplete((outcome, failed) -> {
                        if (outcome != null) {
                            report.setAttribute(
                                    "policy_gate.report", outcome.getClass().getSimpleName());
                        }
                        report.end();
                    })
                    .thenApply(outcome -> new Step(outcome, verdict, null));
        }
    }

    private static CompletionStage<Step> done(Step step) {
        return CompletableFuture.completedFuture(step);
    }

    /** The job's commit is not GitLab's HEAD: the HEAD gets a job, unless one exists (finished or not). */
    private void queueHead(Job job, GitLabFacts.Moved moved) {
        String head = moved.mergeRequest().sha();
        if (records.standing(job.key(), head).isEmpty()
                && queue.queue(
                        job.key().projectId(),
                        moved.mergeRequest(),
                        job.key().checkId(),
                        moved.check().name(),
                        Origin.HEAD_OF_MERGE_REQUEST,
                        null)) {
            LOG.infof("Queued %s at GitLab's HEAD %s", job.key(), head);
        }
    }
}
