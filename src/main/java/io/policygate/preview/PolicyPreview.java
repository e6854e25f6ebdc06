package io.policygate.preview;

import com.fasterxml.jackson.databind.JsonNode;
import io.policygate.config.PreviewConfig;
import io.policygate.event.CheckKey;
import io.policygate.gitlab.GitLabPurpose;
import io.policygate.gitlab.GitLabRefusal;
import io.policygate.gitlab.MergeRequest;
import io.policygate.gitlab.MergeRequestFacts;
import io.policygate.gitlab.MergeRequestReads;
import io.policygate.gitlab.Project;
import io.policygate.gitlab.RequestPace;
import io.policygate.policy.ActivePolicies;
import io.policygate.policy.Approval;
import io.policygate.policy.Change;
import io.policygate.policy.CodeOwnerRule;
import io.policygate.policy.Commit;
import io.policygate.policy.DataUnavailableException;
import io.policygate.policy.MergeRequestData;
import io.policygate.policy.Outcome;
import io.policygate.policy.PolicyResult;
import io.policygate.policy.PolicySet;
import io.policygate.policy.RuleResult;
import io.policygate.policy.Verdict;
import io.policygate.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Evaluates a candidate policy set and the set in force against the current HEAD of every open merge
 * request in a scope (for a policy change, also the merge requests judged lately and no longer open), and says which
 * would flip. Reads each merge request's changes and commits for its HEAD
 * through the trial cache (never the one verdicts use), paced; posts nothing. One preview at a time per replica.
 */
@ApplicationScoped
public class PolicyPreview {

    private final ActivePolicies active;
    private final MergeRequestReads reads;
    private final PreviewStore store;
    private final PreviewConfig config;
    private final Clock clock;
    private final ReadableScope readable;
    private final Semaphore oneAtATime = new Semaphore(1);

    /** How long the review of a policy change waits for another preview before it is tried again later. */
    private static final Duration WAIT_FOR_ANOTHER = Duration.ofSeconds(60);

    /** A merge request as its last verdict judged it, on {@code on} (UTC): what the preview judges again. */
    public record Judged(MergeRequestFacts facts, LocalDate on) {}

    @Inject
    public PolicyPreview(
            ActivePolicies active,
            MergeRequestReads reads,
            PreviewStore store,
            PreviewConfig config,
            Clock clock,
            ReadableScope readable) {
        this.active = active;
        this.readable = readable;
        this.reads = reads;
        this.store = store;
        this.config = config;
        this.clock = clock;
    }

    /**
     * Runs a preview and stores it.
     *
     * @throws io.policygate.policy.PolicyLoadException when the candidate set is invalid (nothing is evaluated)
     * @throws ProblemException 400 for a request without files or scope, 403 for a scope GitLab refuses, 422 for
     *         a scope too large, 429 while another preview runs, 502 when GitLab cannot be read
     */
    public Preview run(PreviewRequest request) {
        return GitLabPurpose.during(GitLabPurpose.PREVIEW, () -> preview(request));
    }

    private Preview preview(PreviewRequest request) {
        if (request.files() == null || request.files().isEmpty()) {
            throw bad("files", "is required: the candidate policy files, name to YAML text");
        }
        boolean noProjects = request.projects() == null || request.projects().isEmpty();
        if (noProjects && (request.group() == null || request.group().isBlank())) {
            throw bad("projects", "or group is required: the scope whose open merge requests are evaluated");
        }
        Map<String, byte[]> files = new TreeMap<>();
        request.files()
                .forEach((name, text) ->
                        files.put(name, text == null ? new byte[0] : text.getBytes(StandardCharsets.UTF_8)));
        // One set in force for the whole preview: what the candidate may call and what it is compared with.
        PolicySet live = active.current();
        PolicySet candidate = active.loadCandidate(files, live);
        if (!oneAtATime.tryAcquire()) {
            throw new ProblemException(
                    429,
                    "preview-running",
                    "Too Many Requests",
                    "another preview is running on this replica; try again when it has finished",
                    null);
        }
        try {
            return store.save(evaluate(request, live, candidate));
        } finally {
            oneAtATime.release();
        }
    }

    private Preview evaluate(PreviewRequest request, PolicySet live, PolicySet candidate) {
        RequestPace pace = new RequestPace(config.requestsPerSecond());
        Map<Long, String> projects = scope(request, pace);
        return evaluate(
                describe(request, projects.size()),
                request.statusCheck(),
                projects,
                List.of(),
                live,
                candidate,
                pace,
                Instant.MAX);
    }

    /**
     * Previews a change to the policy repository ({@code candidate}, at a merge request's commit) against the open
     * merge requests of {@code projects} and, as they were last judged, the merge requests of {@code judged} that are
     * no longer open. Waits while another preview runs on this replica. What is not evaluated by {@code deadline} is
     * listed as not evaluated, so that the review finishes within its job's lease.
     *
     * @throws DataUnavailableException when GitLab cannot be read, or another preview holds this replica too long:
     *         the review is tried again later
     */
    public Preview ofChange(
            String scope,
            Map<Long, String> projects,
            List<Judged> judged,
            PolicySet live,
            PolicySet candidate,
            Instant deadline) {
        try {
            if (!oneAtATime.tryAcquire(WAIT_FOR_ANOTHER.toSeconds(), TimeUnit.SECONDS)) {
                throw new DataUnavailableException("another impact preview is running on this replica");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DataUnavailableException("interrupted while waiting for another impact preview");
        }
        try {
            return store.save(GitLabPurpose.during(
                    GitLabPurpose.PREVIEW,
                    () -> evaluate(
                            scope,
                            null,
                            projects,
                            judged,
                            live,
                            candidate,
                            new RequestPace(config.requestsPerSecond()),
                            deadline)));
        } finally {
            oneAtATime.release();
        }
    }

    private Preview evaluate(
            String scope,
            String statusCheck,
            Map<Long, String> projects,
            List<Judged> judged,
            PolicySet live,
            PolicySet candidate,
            RequestPace pace,
            Instant deadline) {
        List<Preview.MergeRequestImpact> impacts = new ArrayList<>();
        List<Preview.NotEvaluated> notEvaluated = new ArrayList<>();
        Set<String> open = new HashSet<>();
        int seen = 0;
        for (Map.Entry<Long, String> project : projects.entrySet()) {
            if (outOfTime(deadline, project.getValue(), notEvaluated)) {
                continue;
            }
            List<MergeRequest> listed;
            try {
                pace.await();
                listed = reads.openMergeRequests(project.getKey());
            } catch (DataUnavailableException e) {
                notEvaluated.add(new Preview.NotEvaluated(project.getValue(), e.getMessage()));
                continue;
            }
            seen += listed.size();
            checkSize(seen);
            for (MergeRequest mr : listed) {
                open.add(project.getKey() + "!" + mr.iid());
                if (outOfTime(deadline, project.getValue() + "!" + mr.iid(), notEvaluated)) {
                    continue;
                }
                if (mr.sha() == null) {
                    notEvaluated.add(new Preview.NotEvaluated(
                            project.getValue() + "!" + mr.iid(),
                            "GitLab's answer has no HEAD commit (an empty merge request)"));
                } else {
                    impacts.add(impact(
                            // Previews evaluate as a status check no policy can tell from another by id (1): only
                            // its name is seen.
                            MergeRequestFacts.of(project.getKey(), project.getValue(), mr, 1, statusCheck),
                            live,
                            candidate,
                            pace,
                            null));
                }
            }
        }
        for (Judged mr : judged) {
            if (open.add(mr.facts().projectId() + "!" + mr.facts().iid())
                    && !outOfTime(
                            deadline,
                            mr.facts().projectPath() + "!" + mr.facts().iid(),
                            notEvaluated)) {
                checkSize(++seen);
                impacts.add(impact(mr.facts(), live, candidate, pace, mr.on().toString()));
            }
        }
        int toFailed = (int)
                impacts.stream().filter(i -> i.change().equals("to-failed")).count();
        int toPassed = (int)
                impacts.stream().filter(i -> i.change().equals("to-passed")).count();
        return new Preview(
                UUID.randomUUID().toString(),
                clock.instant(),
                scope,
                statusCheck,
                live.files(),
                candidate.files(),
                new Preview.Counts(
                        impacts.size(), toFailed, toPassed, impacts.size() - toFailed - toPassed, notEvaluated.size()),
                impacts,
                notEvaluated);
    }

    /** True, and {@code where} listed as not evaluated, once {@code deadline} has passed. */
    private boolean outOfTime(Instant deadline, String where, List<Preview.NotEvaluated> notEvaluated) {
        if (!clock.instant().isAfter(deadline)) {
            return false;
        }
        notEvaluated.add(new Preview.NotEvaluated(
                where, "not previewed: the review's time (half of policy-gate.worker.lease) ran out"));
        return true;
    }

    private void checkSize(int seen) {
        if (seen > config.maxMergeRequests()) {
            throw new ProblemException(
                    422,
                    "scope-too-large",
                    "Unprocessable Content",
                    "the scope has more than "
                            + config.maxMergeRequests()
                            + " open merge requests; narrow it to some projects, or raise"
                            + " policy-gate.preview.max-merge-requests",
                    "projects");
        }
    }

    /** Project id → full path, for the listed projects and the group's; each checked against GitLab. */
    private Map<Long, String> scope(PreviewRequest request, RequestPace pace) {
        Map<Long, String> projects = new TreeMap<>();
        for (JsonNode project : request.projects() == null ? List.<JsonNode>of() : request.projects()) {
            if (!(project.isTextual() && !project.textValue().isBlank())
                    && !(project.canConvertToLong() && project.longValue() > 0)) {
                throw bad("projects", "must list project ids or full paths, e.g. [42, \"payments/api\"]");
            }
            String idOrPath = project.asText();
            readable.checkProject(idOrPath, "projects");
            Project found = gitlab(() -> reads.project(idOrPath), "project '" + idOrPath + "'", "projects", pace);
            projects.put(found.id(), found.path().isEmpty() ? idOrPath : found.path());
        }
        if (request.group() != null && !request.group().isBlank()) {
            readable.checkGroup(request.group(), "group");
            for (Project found : gitlab(
                    () -> reads.groupProjects(request.group()), "group '" + request.group() + "'", "group", pace)) {
                projects.put(found.id(), found.path());
            }
        }
        return projects;
    }

    /** A scope read; GitLab's refusal becomes a 403 naming {@code field} of the request. */
    private static <T> T gitlab(Supplier<T> read, String what, String field, RequestPace pace) {
        pace.await();
        try {
            return read.get();
        } catch (GitLabRefusal e) {
            String fix = e.status() == 401
                    ? "policy-gate.gitlab.token is invalid or expired"
                    : "check the name, and that policy-gate's token user is a member with at least the Reporter role";
            throw new ProblemException(
                    403,
                    "scope-not-accessible",
                    "Forbidden",
                    "GitLab does not show " + what + " to policy-gate (" + e.answer() + "): " + fix,
                    e.status() == 401 ? null : field);
        } catch (DataUnavailableException e) {
            throw new ProblemException(
                    502,
                    "gitlab-unavailable",
                    "Bad Gateway",
                    "GitLab could not be asked for " + what + ": " + e.getMessage(),
                    null);
        }
    }

    private Preview.MergeRequestImpact impact(
            MergeRequestFacts mr, PolicySet live, PolicySet candidate, RequestPace pace, String judgedAt) {
        MergeRequestData data = new PacedData(
                reads.forTrial(new CheckKey(mr.projectId(), mr.iid(), mr.statusCheckId()), mr.sha()), pace);
        Verdict before = active.evaluate(live, mr, data);
        Verdict after = active.evaluate(candidate, mr, data);
        String change = before.status() == after.status()
                ? "unchanged"
                : "to-" + after.status().wireName();
        return new Preview.MergeRequestImpact(
                mr.projectId(),
                mr.projectPath(),
                mr.iid(),
                mr.title(),
                mr.url(),
                mr.sha(),
                before.status().wireName(),
                after.status().wireName(),
                change,
                ruleChanges(before, after),
                judgedAt);
    }

    /**
     * Rules whose effect differs between the two verdicts. A rule is matched by its policy's name, its type and
     * which rule of that type in the policy it is, so a rule added to a policy or moved within it does not make
     * the rules of other types after it look changed. The index shown is the rule's place in the candidate (in
     * force if removed).
     */
    static List<Preview.RuleChange> ruleChanges(Verdict live, Verdict candidate) {
        Map<String, PolicyResult> before = byName(live);
        Map<String, PolicyResult> after = byName(candidate);
        Set<String> names = new LinkedHashSet<>(after.keySet());
        names.addAll(before.keySet());
        List<Preview.RuleChange> changes = new ArrayList<>();
        for (String name : names) {
            Map<String, PlacedRule> old = byTypeAndOccurrence(before.get(name));
            Map<String, PlacedRule> now = byTypeAndOccurrence(after.get(name));
            Set<String> rules = new LinkedHashSet<>(now.keySet());
            rules.addAll(old.keySet());
            for (String rule : rules) {
                PlacedRule was = old.get(rule);
                PlacedRule is = now.get(rule);
                RuleResult wasResult = was == null ? null : was.result();
                RuleResult isResult = is == null ? null : is.result();
                if (effect(wasResult) != effect(isResult)) {
                    PlacedRule shown = is != null ? is : was;
                    changes.add(new Preview.RuleChange(
                            name,
                            shown.index(),
                            shown.result().type(),
                            outcome(wasResult),
                            outcome(isResult),
                            shown.result().message()));
                }
            }
        }
        return changes;
    }

    private record PlacedRule(int index, RuleResult result) {}

    /** "ticket#0", "labels#0", "labels#1": the rules of a policy, none when the policy is not in the verdict. */
    private static Map<String, PlacedRule> byTypeAndOccurrence(PolicyResult policy) {
        Map<String, PlacedRule> rules = new LinkedHashMap<>();
        if (policy == null) {
            return rules;
        }
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < policy.rules().size(); i++) {
            RuleResult rule = policy.rules().get(i);
            int occurrence = seen.merge(rule.type(), 1, Integer::sum) - 1;
            rules.put(rule.type() + "#" + occurrence, new PlacedRule(i, rule));
        }
        return rules;
    }

    private static Map<String, PolicyResult> byName(Verdict verdict) {
        return verdict.policies().stream()
                .collect(Collectors.toMap(PolicyResult::policy, p -> p, (a, b) -> a, LinkedHashMap::new));
    }

    /**
     * What a rule does to the verdict; rules that pass, are skipped or do not apply all do nothing. A waived rule
     * fails nothing, but is kept apart: a candidate that ends a waiver (or adds one) changes what a reader sees.
     */
    private enum Effect {
        NOTHING,
        WAIVED,
        AUDIT_FINDING,
        FAILS
    }

    private static Effect effect(RuleResult result) {
        if (result != null && result.outcome() == Outcome.WAIVED) {
            return Effect.WAIVED;
        }
        if (result == null || !result.outcome().blocks()) {
            return Effect.NOTHING;
        }
        return result.failsCheck() ? Effect.FAILS : Effect.AUDIT_FINDING;
    }

    /** A rule's outcome as the preview shows it: an audited failure is marked, a waiver named, a pass is a pass. */
    private static String outcome(RuleResult result) {
        if (result == null) {
            return "not applied";
        }
        if (result.waiver() != null) {
            return "waived (" + result.waiver().id() + ")";
        }
        return result.outcome().wireName() + (result.failsWhenEnforced() ? " (audit)" : "");
    }

    private static String describe(PreviewRequest request, int projects) {
        List<String> parts = new ArrayList<>();
        if (request.group() != null && !request.group().isBlank()) {
            parts.add("group " + request.group());
        }
        if (request.projects() != null && !request.projects().isEmpty()) {
            parts.add("projects "
                    + request.projects().stream().map(JsonNode::asText).collect(Collectors.joining(", ")));
        }
        return String.join(" and ", parts) + " (" + projects + (projects == 1 ? " project)" : " projects)");
    }

    private static ProblemException bad(String field, String message) {
        return new ProblemException(400, "invalid-preview", "Bad Request", field + " " + message, field);
    }

    /** One merge request's GitLab data, each piece read once for both evaluations, at the preview's pace. */
    private static final class PacedData implements MergeRequestData {
        private final MergeRequestData data;
        private final RequestPace pace;
        private final Map<String, Object> read = new TreeMap<>();

        PacedData(MergeRequestData data, RequestPace pace) {
            this.data = data;
            this.pace = pace;
        }

        @Override
        public List<Change> changes() {
            return once("changes", data::changes);
        }

        @Override
        public List<Commit> commits() {
            return once("commits", data::commits);
        }

        @Override
        public String authorUsername() {
            return once("author", data::authorUsername);
        }

        @Override
        public List<Approval> approvals() {
            return once("approvals", data::approvals);
        }

        @Override
        public List<CodeOwnerRule> codeOwnerRules() {
            return once("code owners", data::codeOwnerRules);
        }

        @Override
        public Set<String> groupMembers(String group) {
            return once("group " + group, () -> data.groupMembers(group));
        }

        @SuppressWarnings("unchecked")
        private <T> T once(String what, Supplier<T> reader) {
            Object value = read.computeIfAbsent(what, k -> {
                pace.await();
                try {
                    return reader.get();
                } catch (DataUnavailableException e) {
                    return e;
                }
            });
            if (value instanceof DataUnavailableException e) {
                throw e;
            }
            return (T) value;
        }
    }
}
