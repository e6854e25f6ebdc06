package io.policygate.worker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.policygate.attestation.DecisionRecords;
import io.policygate.config.ServiceConfig;
import io.policygate.config.StatusMode;
import io.policygate.gitlab.StatusPosting;
import io.policygate.journal.EvaluationRecords;
import io.policygate.journal.Job;
import io.policygate.journal.MergeRequestNames;
import io.policygate.journal.NewVerdict;
import io.policygate.policy.ActivePolicies;
import io.policygate.policy.PolicySet;
import io.policygate.policy.Verdict;
import io.policygate.policy.VerdictStatus;
import io.policygate.policysource.PolicyChangeReview;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The evaluate step of a job: GitLab's facts about its commit against the policies in force, counted in the
 * metrics, and what the journal keeps of the verdict ({@link NewVerdict}), including a status GitLab showed that
 * policy-gate had not given.
 */
@ApplicationScoped
public class Evaluator {

    private static final Logger LOG = Logger.getLogger(Evaluator.class);

    private final ActivePolicies policies;
    private final PolicyChangeReview changes;
    private final EvaluationRecords records;
    private final StatusPosting posting;
    private final ServiceConfig service;
    private final ObjectMapper json;
    private final MeterRegistry metrics;
    private final Counter tampered;
    private final DecisionRecords decisions;
    private final Clock clock;

    @Inject
    public Evaluator(
            ActivePolicies policies,
            PolicyChangeReview changes,
            EvaluationRecords records,
            StatusPosting posting,
            ServiceConfig service,
            ObjectMapper json,
            MeterRegistry metrics,
            DecisionRecords decisions,
            Clock clock) {
        this.decisions = decisions;
        this.clock = clock;
        this.policies = policies;
        this.changes = changes;
        this.records = records;
        this.posting = posting;
        this.service = service;
        this.json = json;
        this.metrics = metrics;
        this.tampered = Counter.builder("policy_gate_tampered")
                .description("statuses GitLab showed as passed for a commit that policy-gate had not passed")
                .register(metrics);
    }

    /** A verdict and the policy set that reached it. */
    record Evaluated(PolicySet set, Verdict verdict) {}

    /**
     * The verdict on {@code current}; empty when a rule needed the commit's changes or commits and GitLab could not
     * give them ({@code current.unreadable()}): no verdict on less. A merge request on the policy repository is
     * reviewed as a policy change instead ({@link PolicyChangeReview}), which reads GitLab as it goes.
     *
     * @throws io.policygate.policy.DataUnavailableException when a policy change's files cannot be read from GitLab
     */
    Optional<Evaluated> evaluate(GitLabFacts.Current current) {
        Evaluated evaluated;
        if (current.fromGitLab() && changes.reviews(current.mergeRequest())) {
            PolicyChangeReview.Reviewed reviewed = changes.review(current.mergeRequest());
            evaluated = new Evaluated(reviewed.set(), reviewed.verdict());
        } else {
            PolicySet set = policies.current();
            evaluated = new Evaluated(set, policies.evaluate(set, current.mergeRequest(), current.data()));
            if (current.unreadable().isPresent()) {
                return Optional.empty();
            }
        }
        Verdict verdict = evaluated.verdict();
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
                                p.outcomeName(),
                                "mode",
                                p.mode().wireName())
                        .increment());
        verdict.policies()
                .forEach(p -> p.rules().stream()
                        .filter(r -> r.waiver() != null)
                        .forEach(r -> Counter.builder("policy_gate_waived")
                                .description("rule results a waiver excused: failures that did not fail the check")
                                .tag("policy", p.policy())
                                .tag("waiver", r.waiver().id())
                                .register(metrics)
                                .increment()));
        return Optional.of(evaluated);
    }

    /** What the journal keeps of the verdict the job's step reached. */
    NewVerdict record(Job job, GitLabFacts.Current current, Evaluated evaluated) {
        Verdict verdict = evaluated.verdict();
        String tamperedWith = tamperedWith(job, verdict.status());
        try {
            return new NewVerdict(
                    verdict.status(),
                    verdict.ifEnforced(),
                    json.writeValueAsString(verdict),
                    json.writeValueAsString(evaluated.set().files()),
                    evaluated.set().origin(),
                    // Only GitLab's answers are facts; where the trigger stood in (a dry run without GitLab), none.
                    current.fromGitLab() ? json.writeValueAsString(current.mergeRequest()) : null,
                    MergeRequestNames.of(current.mergeRequest()),
                    tamperedWith,
                    verdict.waiverIds(),
                    decisions.sign(current.mergeRequest().url(), job.sha(), verdict, evaluated.set(), clock.instant()),
                    verdict.impact() != null);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a verdict is always serialisable", e);
        }
    }

    /**
     * What GitLab showed that policy-gate had not given, or null. The status is the one the reconciliation sweep
     * read when it queued the job (a verdict itself reads no status: the call is left to the sweep's rotation, see
     * ReconciliationSweep). GitLab lets any Developer of a project post a
     * status to any check (ee/lib/api/status_checks.rb records no author), so a {@code passed} at this commit is
     * policy-gate's only if the last verdict GitLab took from policy-gate for the commit was {@code passed}. When
     * GitLab took none from it, a {@code passed} counts only against a failing verdict: what policy-gate posted is
     * kept for policy-gate.history.keep, and an older pass of its own may be gone. Only where policy-gate posts
     * passed and failed itself (standard status mode, not a dry run).
     */
    private String tamperedWith(Job job, VerdictStatus verdict) {
        if (!"passed".equals(job.trigger().gitlabStatus())
                || service.dryRun()
                || posting.mode() != StatusMode.STANDARD) {
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
}
