package io.policygate.policysource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.policygate.config.PreviewConfig;
import io.policygate.config.WorkerConfig;
import io.policygate.gitlab.MergeRequestFacts;
import io.policygate.journal.EvaluationRecords;
import io.policygate.policy.ActivePolicies;
import io.policygate.policy.Evidence;
import io.policygate.policy.MergeRequestContext;
import io.policygate.policy.Outcome;
import io.policygate.policy.Policy;
import io.policygate.policy.PolicyError;
import io.policygate.policy.PolicyImpact;
import io.policygate.policy.PolicyLoadException;
import io.policygate.policy.PolicyMode;
import io.policygate.policy.PolicyResult;
import io.policygate.policy.PolicySet;
import io.policygate.policy.RuleResult;
import io.policygate.policy.Verdict;
import io.policygate.policy.VerdictStatus;
import io.policygate.policytest.PolicyTests;
import io.policygate.preview.PolicyPreview;
import io.policygate.preview.Preview;
import io.policygate.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Judges a merge request on the policy repository as the policy change it is, at its HEAD commit: the proposed
 * files loaded as the service would load them once merged ({@code policy files}), their tests run as {@code test}
 * runs them ({@code policy tests}), and an impact preview of the proposed set against the projects policy-gate judged
 * in the last policy-gate.preview.days ({@code impact}). Each is one result of the verdict, so the status, the note,
 * the pages and the decision record of a policy change come the way every verdict's do.
 */
@ApplicationScoped
public class PolicyChangeReview {

    static final String FILES = "policy files";
    static final String TESTS = "policy tests";
    static final String IMPACT = "impact";

    private final PolicySources sources;
    private final ActivePolicies active;
    private final PolicyPreview previews;
    private final EvaluationRecords records;
    private final PreviewConfig config;
    private final Duration lease;
    private final ObjectMapper json;
    private final Clock clock;

    @Inject
    public PolicyChangeReview(
            PolicySources sources,
            ActivePolicies active,
            PolicyPreview previews,
            EvaluationRecords records,
            PreviewConfig config,
            WorkerConfig worker,
            ObjectMapper json,
            Clock clock) {
        this.sources = sources;
        this.active = active;
        this.previews = previews;
        this.records = records;
        this.config = config;
        this.lease = worker.lease();
        this.json = json;
        this.clock = clock;
    }

    /** The verdict on a policy change, and the proposed set it judged (files and commit; empty when invalid). */
    public record Reviewed(PolicySet set, Verdict verdict) {}

    /** Whether {@code mr} is a merge request on the policy repository, which is reviewed, not judged by the policies. */
    public boolean reviews(MergeRequestContext mr) {
        return sources.repository()
                .map(r -> r.isProject(mr.projectId(), mr.projectPath()))
                .orElse(false);
    }

    /**
     * Reviews the merge request's HEAD commit. Blocks while GitLab is read (the files, and the preview's reads at
     * policy-gate.preview.requests-per-second): policy changes are rare, and a review waits for no other job.
     *
     * @throws io.policygate.policy.DataUnavailableException when GitLab cannot be read now: tried again later
     */
    public Reviewed review(MergeRequestContext mr) {
        RepositoryPolicyFiles repository = sources.repository().orElseThrow();
        RepositoryPolicyFiles.Proposed proposed = repository.proposedAt(mr.sha(), mr.sourceBranch());
        String folder = repository.folder();
        PolicySet set;
        try {
            set = active.validate(proposed.set());
        } catch (PolicyLoadException e) {
            return new Reviewed(
                    new PolicySet(
                            List.of(),
                            List.of(),
                            proposed.set().fingerprint(),
                            proposed.set().origin()),
                    Verdict.of(
                                    List.of(
                                            result(FILES, folder, invalid(e.errors())),
                                            result(TESTS, folder, notRun("the policy files are invalid")),
                                            result(IMPACT, folder, notRun("the policy files are invalid"))),
                                    VerdictStatus.PASSED)
                            .withImpact(PolicyImpact.notPreviewed("the policy files are invalid")));
        }
        Impact impact = impact(proposed.set().files(), repository);
        Verdict verdict = Verdict.of(
                        List.of(
                                result(FILES, folder, valid(set)),
                                result(TESTS, folder, tests(set, proposed, folder)),
                                result(IMPACT, folder, impact.result())),
                        VerdictStatus.PASSED)
                .withImpact(impact.impact());
        return new Reviewed(set, verdict);
    }

    private static PolicyResult result(String name, String folder, RuleResult rule) {
        boolean failed = rule.outcome().blocks();
        return new PolicyResult(name, folder, PolicyMode.ENFORCE, failed, failed, List.of(rule));
    }

    private static RuleResult notRun(String why) {
        return new RuleResult("review", Outcome.SKIPPED, "not run: " + why, null);
    }

    private static RuleResult invalid(List<PolicyError> errors) {
        return RuleResult.failed(
                "validate",
                errors.size() + (errors.size() == 1 ? " error" : " errors") + " where policy-gate loads these files,"
                        + " and the set in force would stay after the merge: " + errors.get(0),
                new Evidence(
                        Map.of(
                                "errors",
                                errors.stream().map(PolicyError::toString).toList()),
                        "every policy and waiver file valid (validate)"));
    }

    private static RuleResult valid(PolicySet set) {
        return RuleResult.passed(
                "validate",
                set.policies().size() + " policies and " + set.waivers().size() + " waivers in "
                        + set.files().size() + " files load as policy-gate loads them",
                new Evidence(
                        Map.of(
                                "files",
                                set.files().stream()
                                        .map(PolicySet.PolicyFile::path)
                                        .toList()),
                        "every policy and waiver file valid (validate)"));
    }

    private RuleResult tests(PolicySet set, RepositoryPolicyFiles.Proposed proposed, String folder) {
        if (proposed.testFiles().isEmpty()) {
            return RuleResult.failed(
                    "test",
                    "no *.test.yaml files in " + folder + ": nothing was tested (test refuses such a folder too)",
                    new Evidence(Map.of(), "every case of every *.test.yaml passes (test)"));
        }
        PolicyTests.Results results = PolicyTests.run(set, proposed.testFiles(), proposed.files(), clock.instant());
        List<String> failures = new ArrayList<>(results.invalidFiles());
        results.cases().stream()
                .filter(c -> !c.passed())
                .forEach(c ->
                        failures.add(c.where() + c.name() + ": " + c.problems().get(0)));
        int cases = results.cases().size();
        Map<String, Object> seen = new LinkedHashMap<>();
        seen.put("cases", cases);
        seen.put("test files", proposed.testFiles());
        if (failures.isEmpty()) {
            return RuleResult.passed(
                    "test",
                    cases + " cases in " + proposed.testFiles().size() + " test files pass",
                    new Evidence(seen, "every case of every *.test.yaml passes (test)"));
        }
        seen.put("failed", failures);
        return RuleResult.failed(
                "test",
                results.failed() + " of " + (cases + results.invalidFiles().size()) + " failed: " + failures.get(0),
                new Evidence(seen, "every case of every *.test.yaml passes (test)"));
    }

    /** The impact rule's result, and what it found for the note. */
    private record Impact(RuleResult result, PolicyImpact impact) {}

    private Impact impact(Map<String, byte[]> proposed, RepositoryPolicyFiles repository) {
        PolicySet live = active.current();
        PolicySet candidate;
        try {
            // What the preview may call is what the set in force calls: a merge request cannot make policy-gate call
            // a service with a secret before the change is merged.
            candidate = active.loadCandidate(proposed, live);
        } catch (PolicyLoadException e) {
            return new Impact(
                    new RuleResult(
                            "preview",
                            Outcome.SKIPPED,
                            "not previewed: the proposed policies call services the policies in force do not, and a"
                                    + " preview calls none they do not: "
                                    + e.errors().get(0),
                            null),
                    null);
        }
        List<Policy> touched = candidate.touchedSince(live);
        if (touched.isEmpty()) {
            return notPreviewed("the change touches no policy and no waiver");
        }
        Instant since = clock.instant().minus(Duration.ofDays(config.days()));
        Map<Long, String> projects = new TreeMap<>();
        records.projectsJudgedSince(since).forEach((id, path) -> {
            if (!repository.isProject(id, path)
                    && touched.stream().anyMatch(p -> p.appliesTo().concernsProject(id, path))) {
                projects.put(id, path);
            }
        });
        List<PolicyPreview.Judged> judged = new ArrayList<>();
        for (EvaluationRecords.JudgedFacts row :
                records.judgedSince(since, projects.keySet(), config.maxMergeRequests())) {
            facts(row)
                    .ifPresent(facts -> judged.add(
                            new PolicyPreview.Judged(facts, LocalDate.ofInstant(row.finishedAt(), ZoneOffset.UTC))));
        }
        String scope = projects.size() + (projects.size() == 1 ? " project" : " projects") + " judged in the last "
                + config.days() + " days that the changed policies apply to";
        Preview preview;
        try {
            // Half the lease: the review finishes, is posted and recorded while the job is still this replica's.
            preview = previews.ofChange(
                    scope, projects, judged, live, candidate, clock.instant().plus(lease.dividedBy(2)));
        } catch (ProblemException e) {
            return new Impact(
                    new RuleResult(
                            "preview",
                            Outcome.SKIPPED,
                            "not previewed: " + e.problem().detail(),
                            null),
                    null);
        }
        return new Impact(impactResult(preview), impact(preview));
    }

    private static Impact notPreviewed(String why) {
        return new Impact(
                new RuleResult("preview", Outcome.SKIPPED, "not previewed: " + why, null),
                PolicyImpact.notPreviewed(why));
    }

    private RuleResult impactResult(Preview preview) {
        Preview.Counts counts = preview.counts();
        Map<String, Object> seen = new LinkedHashMap<>();
        seen.put("would newly fail", names(preview, "to-failed"));
        seen.put("would newly pass", names(preview, "to-passed"));
        seen.put("merge requests", counts.mergeRequests());
        seen.put("preview", preview.id());
        String expected = config.maxNewlyFailing()
                .map(max -> "at most " + max + " merge requests newly failing (policy-gate.preview.max-newly-failing)")
                .orElse("shown, not limited (policy-gate.preview.max-newly-failing is unset)");
        Optional<Integer> over = config.maxNewlyFailing().filter(max -> counts.toFailed() > max);
        String message = preview.scope() + ": " + preview.summary();
        return over.isPresent()
                ? RuleResult.failed(
                        "preview",
                        counts.toFailed() + " merge requests would newly fail, more than " + over.get() + ". "
                                + message,
                        new Evidence(seen, expected))
                : RuleResult.passed("preview", message, new Evidence(seen, expected));
    }

    private static List<String> names(Preview preview, String change) {
        return preview.mergeRequests().stream()
                .filter(mr -> mr.change().equals(change))
                .map(mr -> mr.projectPath() + "!" + mr.iid())
                .toList();
    }

    private static PolicyImpact impact(Preview preview) {
        return new PolicyImpact(
                preview.id(),
                preview.scope(),
                preview.counts().mergeRequests(),
                preview.counts().toFailed(),
                preview.counts().toPassed(),
                preview.counts().notEvaluated(),
                preview.mergeRequests().stream()
                        .filter(mr -> !mr.change().equals("unchanged"))
                        .map(mr -> new PolicyImpact.Flip(
                                mr.projectPath(),
                                mr.iid(),
                                mr.title(),
                                mr.url(),
                                mr.live(),
                                mr.candidate(),
                                mr.judgedAt()))
                        .toList(),
                null);
    }

    /** The stored facts; none for a row this version cannot read (left out of the preview, not guessed at). */
    private Optional<MergeRequestFacts> facts(EvaluationRecords.JudgedFacts row) {
        try {
            return Optional.of(json.readValue(row.facts(), MergeRequestFacts.class));
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }
}
