package io.policygate.policy;

import com.google.protobuf.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What a rule is given for one evaluation: the merge request (GitLab's facts, or a trial's payload), the facts read from
 * GitLab on first use (each at most once per evaluation, a failure remembered as well), and the CEL
 * variables built once and shared by every expression of the evaluation. Used by one thread.
 */
public final class RuleContext {

    private final MergeRequestContext mergeRequest;
    private final Instant now;
    private final Lazy<List<Change>> changes;
    private final Lazy<List<Commit>> commits;
    private final Lazy<String> authorUsername;
    private final Lazy<List<Approval>> approvals;
    private final Lazy<List<CodeOwnerRule>> codeOwnerRules;
    private final MergeRequestData data;
    private final Map<String, Lazy<Set<String>>> groups = new HashMap<>();
    private Map<String, Object> facts;

    /** @param now the evaluation's time: what change windows and CEL's {@code now} see */
    public RuleContext(MergeRequestContext mergeRequest, MergeRequestData data, Instant now) {
        this.mergeRequest = mergeRequest;
        this.now = now;
        this.changes = new Lazy<>(data::changes);
        this.commits = new Lazy<>(data::commits);
        this.authorUsername = new Lazy<>(data::authorUsername);
        this.approvals = new Lazy<>(data::approvals);
        this.codeOwnerRules = new Lazy<>(data::codeOwnerRules);
        this.data = data;
    }

    public MergeRequestContext mergeRequest() {
        return mergeRequest;
    }

    /** @throws DataUnavailableException when GitLab could not be read */
    public List<Approval> approvals() {
        return approvals.get();
    }

    /** @throws DataUnavailableException when GitLab could not be read */
    public List<CodeOwnerRule> codeOwnerRules() {
        return codeOwnerRules.get();
    }

    /**
     * The usernames of the group's members (its path, without the @).
     *
     * @throws DataUnavailableException when GitLab could not be read
     */
    public Set<String> groupMembers(String group) {
        return groups.computeIfAbsent(group, g -> new Lazy<>(() -> data.groupMembers(g)))
                .get();
    }

    /** The evaluation's time. */
    public Instant now() {
        return now;
    }

    /** @throws DataUnavailableException when GitLab could not be read */
    public List<Change> changes() {
        return changes.get();
    }

    /** @throws DataUnavailableException when GitLab could not be read */
    public List<Commit> commits() {
        return commits.get();
    }

    /** @throws DataUnavailableException when GitLab could not be read */
    public String authorUsername() {
        return authorUsername.get();
    }

    /**
     * A CEL variable by name; {@code changes}, {@code commits} and {@code approvals} are read from GitLab only when
     * used, {@code now} is the evaluation's time as a timestamp.
     */
    public Optional<Object> celVariable(String name) {
        return switch (name) {
            case "changes" ->
                Optional.of(changes().stream().map(RuleContext::celChange).toList());
            case "commits" ->
                Optional.of(commits().stream().map(RuleContext::celCommit).toList());
            case "approvals" ->
                Optional.of(approvals().stream().map(RuleContext::celApproval).toList());
            case "now" ->
                Optional.of(Timestamp.newBuilder()
                        .setSeconds(now.getEpochSecond())
                        .setNanos(now.getNano())
                        .build());
            default -> Optional.ofNullable(facts().get(name));
        };
    }

    private static Map<String, Object> celChange(Change c) {
        return Map.of(
                "path",
                c.path(),
                "oldPath",
                c.oldPath(),
                "added",
                c.added(),
                "deleted",
                c.deleted(),
                "renamed",
                c.renamed(),
                "diff",
                c.diff() == null ? "" : c.diff());
    }

    private static Map<String, Object> celApproval(Approval a) {
        return Map.of("username", a.username(), "at", a.at() == null ? "" : a.at().toString());
    }

    private static Map<String, Object> celCommit(Commit c) {
        return Map.of(
                "sha",
                c.sha(),
                "title",
                c.title(),
                "message",
                c.message(),
                "authorName",
                c.authorName(),
                "authorEmail",
                c.authorEmail());
    }

    /** A value computed on first use; a failure is remembered so the same read is not attempted twice. */
    private static final class Lazy<T> {
        private final Supplier<T> supplier;
        private T value;
        private DataUnavailableException failure;

        Lazy(Supplier<T> supplier) {
            this.supplier = supplier;
        }

        T get() {
            if (failure != null) {
                throw failure;
            }
            if (value == null) {
                try {
                    value = supplier.get();
                } catch (DataUnavailableException e) {
                    failure = e;
                    throw e;
                }
            }
            return value;
        }
    }

    /**
     * The merge request's facts as plain maps (mergeRequest, project, statusCheck): the CEL variables, and the
     * body the http plug-in rule sends.
     */
    public Map<String, Object> facts() {
        if (facts == null) {
            facts = buildFacts(mergeRequest);
        }
        return facts;
    }

    private static Map<String, Object> buildFacts(MergeRequestContext mr) {
        Map<String, Object> mergeRequest = Map.ofEntries(
                Map.entry("iid", mr.iid()),
                Map.entry("title", mr.title()),
                Map.entry("description", mr.description()),
                Map.entry("sourceBranch", mr.sourceBranch()),
                Map.entry("targetBranch", mr.targetBranch()),
                Map.entry("draft", mr.draft()),
                Map.entry("labels", List.copyOf(mr.labels())),
                Map.entry("state", mr.state()),
                Map.entry("author", Map.of("id", mr.authorId())),
                Map.entry("url", mr.url()),
                Map.entry("sha", mr.sha()));
        return Map.of(
                "mergeRequest", mergeRequest,
                "project", Map.of("id", mr.projectId(), "path", mr.projectPath()),
                "statusCheck", Map.of("id", mr.statusCheckId(), "name", mr.statusCheckName()));
    }
}
