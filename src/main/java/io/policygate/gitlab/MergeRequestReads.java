package io.policygate.gitlab;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.policygate.async.Stages;
import io.policygate.config.GitLabConfig;
import io.policygate.event.CheckKey;
import io.policygate.policy.Approval;
import io.policygate.policy.Change;
import io.policygate.policy.CodeOwnerRule;
import io.policygate.policy.Commit;
import io.policygate.policy.DataUnavailableException;
import io.policygate.policy.MergeRequestData;
import io.policygate.policy.TooLargeToJudgeException;
import io.smallrye.faulttolerance.api.Guard;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.util.TypeLiteral;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Reads what GitLab says about merge requests: paginated to the end, retried on transient failures within the
 * call. A merge request's changes and commits are read for one exact commit, never from {@code /diffs} or
 * {@code /changes}, which show the merge request's latest version whatever SHA was asked about: for a verdict whose
 * commit is the one GitLab's latest diff version was made for, in one call from that version's merge base
 * ({@code repository/compare?from=<diff_refs.base_sha>&to=<sha>}, the same commits and diffs the version holds);
 * otherwise, or when GitLab cut the comparison short, from the diff version GitLab made for the commit
 * ({@code GET …/versions}, then {@code …/versions/:id}). What a commit fixes is cached per SHA; verdicts and
 * trials (dry runs, previews) have caches of their own, so nothing a trial is given can reach a verdict.
 *
 * <p>Every read is asynchronous underneath (the {@code …Later} methods; a job waiting for GitLab holds no thread);
 * the blocking methods wait for the same reads, for callers that run on a thread of their own (previews, dry runs,
 * the reconciliation sweep).
 */
@ApplicationScoped
public class MergeRequestReads {

    private static final int PER_PAGE = 100;
    /** 100 pages of 100: more than GitLab itself shows for one merge request. */
    private static final int MAX_PAGES = 100;
    /** Tries of one read within the call: 200 ms, then 400 ms apart (SmallRye Fault Tolerance's retry). */
    private static final int ATTEMPTS = 3;
    /**
     * Characters of diffs and commit messages each cache holds: a version carries every changed file's diff, so
     * the bound is by size, not by count (16 Mi characters take at most 32 MiB of heap).
     */
    private static final long CACHED_CHARACTERS = 16L << 20;
    /** A project's full path changes only when it is renamed or moved; a renamed one is seen within this. */
    private static final Duration PROJECT_PATH_FOR = Duration.ofMinutes(5);

    private final GitLabConfig config;
    private final GitLabApi api;
    private final ObjectMapper json;
    private final GitLabCallMetrics calls;
    private final Guard retries = Guard.create()
            .withDescription("gitlab-reads")
            .withRetry()
            .maxRetries(ATTEMPTS - 1)
            .delay(200, ChronoUnit.MILLIS)
            .jitter(50, ChronoUnit.MILLIS)
            .withExponentialBackoff()
            .factor(2)
            .done()
            .retryOn(TransientRead.class)
            .done()
            // The reads are asynchronous already: the guard's next try is started from its timer, no thread waits.
            .withThreadOffload(false)
            .build();
    private final Cache<String, Object> forVerdicts = shaCache();
    private final Cache<String, Object> forTrials = shaCache();
    private final Cache<Long, String> projectPaths = Caffeine.newBuilder()
            .maximumSize(10_000)
            .expireAfterWrite(PROJECT_PATH_FOR)
            .build();
    /**
     * Each project's external status checks, for policy-gate.gitlab.check-settings-for: one read of a project at a
     * time, whose answer every verdict waiting for it shares (a burst of one project's merge requests reads them
     * once, not once per job in flight).
     */
    private final AsyncCache<Long, List<ExternalStatusCheck>> projectChecks;
    /** Each group's members by path, for policy-gate.gitlab.group-members-for, shared as {@link #projectChecks} is. */
    private final AsyncCache<String, Set<String>> groupMembers;

    @Inject
    public MergeRequestReads(GitLabConfig config, GitLabApi api, ObjectMapper json, GitLabCallMetrics calls) {
        this.config = config;
        this.api = api;
        this.json = json;
        this.calls = calls;
        this.projectChecks = Caffeine.newBuilder()
                .maximumSize(10_000)
                .expireAfterWrite(config.checkSettingsFor())
                .buildAsync();
        this.groupMembers = Caffeine.newBuilder()
                .maximumSize(1_000)
                .expireAfterWrite(config.groupMembersFor())
                .buildAsync();
        calls.cachedCharacters("verdicts", forVerdicts, MergeRequestReads::characters);
        calls.cachedCharacters("trials", forTrials, MergeRequestReads::characters);
    }

    /** The characters of diffs and commits a cache holds once its pending evictions are done. */
    private static double characters(Cache<String, Object> cache) {
        cache.cleanUp();
        return cache.asMap().values().stream()
                .mapToLong(value -> value instanceof Version version ? version.characters() : 0)
                .sum();
    }

    private static Cache<String, Object> shaCache() {
        return Caffeine.newBuilder()
                .maximumWeight(CACHED_CHARACTERS)
                .weigher((String key, Object value) -> value instanceof Version v ? v.characters() : 1)
                .expireAfterAccess(Duration.ofMinutes(30))
                .build();
    }

    /**
     * The merge request as GitLab shows it now; never cached (labels, title and draft change without a push).
     * Fails with {@link DataUnavailableException} when GitLab cannot be read ({@link GitLabRefusal} when it refuses).
     */
    public CompletionStage<MergeRequest> mergeRequestLater(long projectId, long iid) {
        return read(GitLabPurpose.current(), "merge request", () -> api.mergeRequest(projectId, iid))
                .thenApply(page -> typed(page.body(), MergeRequest.class, "merge request"));
    }

    /** A project's full path (path_with_namespace), cached for a few minutes. */
    public CompletionStage<String> projectPathLater(long projectId) {
        String cached = projectPaths.getIfPresent(projectId);
        if (cached != null) {
            return CompletableFuture.completedFuture(cached);
        }
        return read(GitLabPurpose.current(), "project", () -> api.project(String.valueOf(projectId)))
                .thenApply(page -> {
                    String path = typed(page.body(), Project.class, "project").path();
                    projectPaths.put(projectId, path);
                    return path;
                });
    }

    /**
     * A project's external status checks, every page, as GitLab listed them within
     * policy-gate.gitlab.check-settings-for; {@code fresh} reads them again whatever the cache holds.
     */
    public CompletionStage<List<ExternalStatusCheck>> projectChecksLater(long projectId, boolean fresh) {
        if (fresh) {
            projectChecks.synchronous().invalidate(projectId);
        }
        GitLabPurpose purpose = GitLabPurpose.current();
        // A failed read is not kept: Caffeine drops a future that completes exceptionally.
        return projectChecks.get(
                projectId,
                (id, executor) -> this.<ExternalStatusCheck>readAllPages(
                                purpose,
                                "project status checks",
                                page -> api.projectStatusChecks(id, page, PER_PAGE),
                                node -> typed(node, ExternalStatusCheck.class, "project status checks"))
                        .thenApply(List::copyOf)
                        .toCompletableFuture());
    }

    /** The status checks GitLab applies to a merge request, with their status at its HEAD: every page. */
    public List<StatusCheck> statusChecks(long projectId, long iid) {
        return Stages.join(statusChecksLater(projectId, iid));
    }

    /** {@link #statusChecks}, without waiting. */
    public CompletionStage<List<StatusCheck>> statusChecksLater(long projectId, long iid) {
        return readAllPages(
                GitLabPurpose.current(),
                "status checks",
                page -> api.statusChecks(projectId, iid, page, PER_PAGE),
                node -> typed(node, StatusCheck.class, "status checks"));
    }

    /**
     * The changes and commits of the merge request at its HEAD ({@code mergeRequest} as GitLab just answered it), its
     * approvals and code-owner rules, and group members, for a verdict: what the cache holds of them.
     * A rule that asks for one before it is read fails, and the verdict waits ({@link VerdictData#unread()}):
     * the caller reads what was asked ({@link VerdictData#read()}) and evaluates again. The first read that fails is
     * kept ({@link VerdictData#failure()}), so that the caller can tell a verdict built on an unreadable GitLab from
     * one built on its facts.
     */
    public VerdictData forVerdict(CheckKey key, MergeRequest mergeRequest) {
        return new VerdictData(
                key,
                mergeRequest.sha(),
                mergeRequest.diffBaseFor(mergeRequest.sha()),
                mergeRequest.author().username(),
                Reads.NONE);
    }

    /** The same reads for a dry run or a preview: what they are given, in a cache that verdicts never read. */
    public MergeRequestData forTrial(CheckKey key, String sha) {
        return new MergeRequestData() {
            @Override
            public List<Change> changes() {
                return Stages.join(version(forTrials, key, sha)).changes();
            }

            @Override
            public List<Commit> commits() {
                return Stages.join(version(forTrials, key, sha)).commits();
            }

            @Override
            public String authorUsername() {
                return Stages.join(cached(
                        forTrials,
                        prefix(key, sha) + "author",
                        () -> mergeRequestLater(key.projectId(), key.mergeRequestIid())
                                .thenApply(mergeRequest -> mergeRequest.author().username())));
            }

            @Override
            public List<Approval> approvals() {
                return Stages.join(approvalsLater(GitLabPurpose.PREVIEW, key));
            }

            @Override
            public List<CodeOwnerRule> codeOwnerRules() {
                return Stages.join(codeOwnerRulesLater(GitLabPurpose.PREVIEW, key));
            }

            @Override
            public Set<String> groupMembers(String group) {
                return Stages.join(groupMembersLater(GitLabPurpose.PREVIEW, group));
            }
        };
    }

    /**
     * What a verdict's reads have brought: each a read's outcome (its content, or the exception it failed with), null
     * before it was read; group members by group.
     */
    private record Reads(
            CompletableFuture<Version> version,
            CompletableFuture<List<Approval>> approvals,
            CompletableFuture<List<CodeOwnerRule>> codeOwnerRules,
            Map<String, CompletableFuture<Set<String>>> groups) {

        static final Reads NONE = new Reads(null, null, null, Map.of());
    }

    /** The reads of one verdict. Used by one thread at a time, like the evaluation it serves. */
    public final class VerdictData implements MergeRequestData {
        private final CheckKey key;
        private final String sha;
        /** The merge base of the diff GitLab made for {@link #sha}, when its latest version is of that commit. */
        private final Optional<String> diffBase;

        private final String authorUsername;
        private final Reads reads;

        private DataUnavailableException failure;
        private boolean versionAsked;
        private boolean approvalsAsked;
        private boolean codeOwnerRulesAsked;
        private final Set<String> groupsAsked = new TreeSet<>();

        private VerdictData(CheckKey key, String sha, Optional<String> diffBase, String authorUsername, Reads reads) {
            this.key = key;
            this.sha = sha;
            this.diffBase = diffBase;
            this.authorUsername = authorUsername;
            this.reads = reads;
        }

        @Override
        public List<Change> changes() {
            return remembered(() -> readVersion().changes());
        }

        @Override
        public List<Commit> commits() {
            return remembered(() -> readVersion().commits());
        }

        @Override
        public List<Approval> approvals() {
            return remembered(() -> {
                if (reads.approvals() == null) {
                    approvalsAsked = true;
                    throw notReadYet("approvals");
                }
                return Stages.join(reads.approvals());
            });
        }

        @Override
        public List<CodeOwnerRule> codeOwnerRules() {
            return remembered(() -> {
                if (reads.codeOwnerRules() == null) {
                    codeOwnerRulesAsked = true;
                    throw notReadYet("code-owner rules");
                }
                return Stages.join(reads.codeOwnerRules());
            });
        }

        @Override
        public Set<String> groupMembers(String group) {
            return remembered(() -> {
                CompletableFuture<Set<String>> read = reads.groups().get(group);
                if (read != null) {
                    return Stages.join(read);
                }
                return cachedGroupMembers(group).orElseThrow(() -> {
                    groupsAsked.add(group);
                    return notReadYet("members of group " + group);
                });
            });
        }

        /** True when a rule asked for facts that were not read yet: the evaluation is not a verdict. */
        public boolean unread() {
            return versionAsked || approvalsAsked || codeOwnerRulesAsked || !groupsAsked.isEmpty();
        }

        /**
         * The same facts with what the evaluation asked for read from GitLab (or its read's failure), for another
         * evaluation; the reads run side by side, none waits on a thread.
         */
        public CompletionStage<VerdictData> read() {
            CompletableFuture<Version> version = reads.version() == null && versionAsked
                    ? changesOf(key, sha, diffBase).toCompletableFuture()
                    : reads.version();
            CompletableFuture<List<Approval>> approvals = reads.approvals() == null && approvalsAsked
                    ? approvalsLater(GitLabPurpose.VERDICT, key).toCompletableFuture()
                    : reads.approvals();
            CompletableFuture<List<CodeOwnerRule>> codeOwnerRules =
                    reads.codeOwnerRules() == null && codeOwnerRulesAsked
                            ? codeOwnerRulesLater(GitLabPurpose.VERDICT, key).toCompletableFuture()
                            : reads.codeOwnerRules();
            Map<String, CompletableFuture<Set<String>>> groups = new TreeMap<>(reads.groups());
            groupsAsked.forEach(group -> groups.computeIfAbsent(
                    group, g -> groupMembersLater(GitLabPurpose.VERDICT, g).toCompletableFuture()));
            List<CompletableFuture<?>> all = new ArrayList<>(groups.values());
            all.add(version);
            all.add(approvals);
            all.add(codeOwnerRules);
            return CompletableFuture.allOf(all.stream()
                            .filter(java.util.Objects::nonNull)
                            .map(read -> read.handle((done, failed) -> null))
                            .toArray(CompletableFuture[]::new))
                    .thenApply(done -> new VerdictData(
                            key,
                            sha,
                            diffBase,
                            authorUsername,
                            new Reads(version, approvals, codeOwnerRules, Map.copyOf(groups))));
        }

        private Version readVersion() {
            if (reads.version() != null) {
                return Stages.join(reads.version());
            }
            Optional<Version> cached = cachedChanges(key, sha);
            if (cached.isPresent()) {
                return cached.get();
            }
            versionAsked = true;
            throw notReadYet("changes at " + sha);
        }

        private DataUnavailableException notReadYet(String what) {
            return new DataUnavailableException("the merge request's " + what + " are not read yet");
        }

        @Override
        public String authorUsername() {
            return authorUsername;
        }

        /** The first GitLab read of this verdict that failed, if any did. */
        public Optional<DataUnavailableException> failure() {
            return Optional.ofNullable(failure);
        }

        private <T> T remembered(Supplier<T> read) {
            try {
                return read.get();
            } catch (DataUnavailableException e) {
                // Too large stays too large: the rule fails now; it is not a read to wait for and try again.
                if (failure == null && !(e instanceof TooLargeToJudgeException)) {
                    failure = e;
                }
                throw e;
            }
        }
    }

    /** What one diff version holds: every changed file and every commit. */
    private record Version(List<Change> changes, List<Commit> commits) {
        int characters() {
            long total = 64L * (changes.size() + commits.size() + 1);
            for (Change c : changes) {
                total += c.path().length()
                        + c.oldPath().length()
                        + (c.diff() == null ? 0 : c.diff().length());
            }
            for (Commit c : commits) {
                total += c.title().length()
                        + c.message().length()
                        + c.authorName().length()
                        + c.authorEmail().length();
            }
            return (int) Math.min(Integer.MAX_VALUE, total);
        }
    }

    /**
     * A verdict's changes and commits of {@code sha}: compared from {@code diffBase} in one call when there is one,
     * from the diff version otherwise or when GitLab cut the comparison short. Cached under the SHA either way.
     */
    private CompletionStage<Version> changesOf(CheckKey key, String sha, Optional<String> diffBase) {
        if (diffBase.isEmpty()) {
            return version(forVerdicts, key, sha);
        }
        return cached(
                forVerdicts,
                prefix(key, sha) + "changes",
                () -> compared(key, sha, diffBase.get())
                        .thenCompose(compared -> compared.isPresent()
                                ? CompletableFuture.completedFuture(compared.get())
                                : version(forVerdicts, key, sha)));
    }

    /** What a verdict's cache holds of {@code sha}'s changes, read either way. */
    private Optional<Version> cachedChanges(CheckKey key, String sha) {
        Object compared = forVerdicts.getIfPresent(prefix(key, sha) + "changes");
        return compared != null ? Optional.of((Version) compared) : cachedVersion(forVerdicts, key, sha);
    }

    /**
     * The commits and diffs from {@code base} to {@code sha}; empty when GitLab cut the diffs short (its diff
     * limits), so that the diff version, which GitLab stores whole, is read instead.
     */
    private CompletionStage<Optional<Version>> compared(CheckKey key, String sha, String base) {
        return read(GitLabPurpose.VERDICT, "comparison", () -> api.compare(key.projectId(), base, sha))
                .thenApply(page -> {
                    Comparison comparison = typed(page.body(), Comparison.class, "comparison");
                    // A comparison that ends elsewhere must not stand in for the commit's changes.
                    if (!comparison.endsAt(sha)) {
                        throw new DataUnavailableException(
                                "GitLab's comparison from " + base + " to " + sha + " ends at "
                                        + (comparison.commit() == null
                                                ? "no commit"
                                                : comparison.commit().id()) + ", not " + sha);
                    }
                    if (comparison.cutShort()) {
                        return Optional.empty();
                    }
                    return Optional.of(new Version(
                            comparison.diffs().stream()
                                    .map(DiffVersion.Diff::change)
                                    .toList(),
                            comparison.commits().stream()
                                    .map(DiffVersion.VersionCommit::commit)
                                    .toList()));
                });
    }

    /** The diff version GitLab made for {@code sha}: its id is cached under the SHA, its content under both. */
    private CompletionStage<Version> version(Cache<String, Object> cache, CheckKey key, String sha) {
        return this.<Long>cached(cache, prefix(key, sha) + "version", () -> versionIdFor(purposeOf(cache), key, sha))
                .thenCompose(versionId -> cached(
                        cache,
                        prefix(key, sha) + "version/" + versionId,
                        () -> versionContent(purposeOf(cache), key, sha, versionId)));
    }

    /** What {@link #version} would give without asking GitLab, if the cache holds it. */
    private static Optional<Version> cachedVersion(Cache<String, Object> cache, CheckKey key, String sha) {
        Object versionId = cache.getIfPresent(prefix(key, sha) + "version");
        return Optional.ofNullable(
                        versionId == null ? null : cache.getIfPresent(prefix(key, sha) + "version/" + versionId))
                .map(Version.class::cast);
    }

    /** Reads for verdicts are a verdict's; the others, dry runs' and previews'. */
    private GitLabPurpose purposeOf(Cache<String, Object> cache) {
        return cache == forVerdicts ? GitLabPurpose.VERDICT : GitLabPurpose.PREVIEW;
    }

    private CompletionStage<Long> versionIdFor(GitLabPurpose purpose, CheckKey key, String sha) {
        return readPages(
                        purpose,
                        "diff versions",
                        page -> api.diffVersions(key.projectId(), key.mergeRequestIid(), page, PER_PAGE),
                        node -> typed(node, DiffVersion.class, "diff versions"),
                        version -> version.isOf(sha))
                .thenApply(versions -> {
                    if (versions.isEmpty() || !versions.get(versions.size() - 1).isOf(sha)) {
                        // GitLab makes a merge request's diff version after a push, in the background: it may come.
                        throw new DataUnavailableException("GitLab has no diff version of the merge request for commit "
                                + sha + " (yet: GitLab makes one after each push)");
                    }
                    return versions.get(versions.size() - 1).id();
                });
    }

    private CompletionStage<Version> versionContent(GitLabPurpose purpose, CheckKey key, String sha, long versionId) {
        return read(purpose, "diff version", () -> api.diffVersion(key.projectId(), key.mergeRequestIid(), versionId))
                .thenApply(page -> content(typed(page.body(), DiffVersion.class, "diff version"), sha, versionId));
    }

    private static Version content(DiffVersion version, String sha, long versionId) {
        // The version was found by its SHA; one that says otherwise must not stand in for it.
        if (!version.isOf(sha)) {
            throw new DataUnavailableException("GitLab's diff version " + versionId + " is of commit "
                    + (version.headCommitSha().isEmpty() ? "?" : version.headCommitSha()) + ", not " + sha);
        }
        return new Version(
                version.diffs().stream().map(DiffVersion.Diff::change).toList(),
                version.commits().stream()
                        .map(DiffVersion.VersionCommit::commit)
                        .toList());
    }

    private static String prefix(CheckKey key, String sha) {
        return key.projectId() + "!" + key.mergeRequestIid() + "@" + sha.toLowerCase(Locale.ROOT) + "/";
    }

    /**
     * The open merge requests of a project, all pages (GET /projects/:id/merge_requests?state=opened).
     *
     * @throws DataUnavailableException when GitLab cannot be read
     */
    public List<MergeRequest> openMergeRequests(long projectId) {
        return mergeRequestsChanged(projectId, null).stream()
                .map(ListedMergeRequest::mergeRequest)
                .toList();
    }

    /**
     * A project's merge requests updated after {@code since}, in any state (opened, closed, merged), all pages; the
     * open ones when {@code since} is null.
     *
     * @throws DataUnavailableException when GitLab cannot be read
     */
    public List<ListedMergeRequest> mergeRequestsChanged(long projectId, Instant since) {
        return Stages.join(readAllPages(
                GitLabPurpose.current(),
                "merge requests",
                page -> api.mergeRequests(projectId, state(since), iso(since), page, PER_PAGE),
                node -> listed(node, "merge requests")));
    }

    /**
     * {@link #mergeRequestsChanged} for every project of a group and its subgroups, in one listing.
     *
     * @throws GitLabRefusal when GitLab has no such group (a user's namespace) or the token's user cannot see it
     */
    public List<ListedMergeRequest> groupMergeRequestsChanged(String group, Instant since) {
        return Stages.join(readAllPages(
                GitLabPurpose.current(),
                "group merge requests",
                page -> api.groupMergeRequests(encoded(group), state(since), "all", iso(since), page, PER_PAGE),
                node -> listed(node, "group merge requests")));
    }

    /** A listed merge request, with its merge when GitLab says it is merged. */
    private ListedMergeRequest listed(JsonNode node, String what) {
        MergeRequest mr = typed(node, MergeRequest.class, what);
        return new ListedMergeRequest(
                mr, mr.state().equals("merged") ? Optional.of(typed(node, Merge.class, what)) : Optional.empty());
    }

    private static String state(Instant since) {
        return since == null ? "opened" : "all";
    }

    private static String iso(Instant since) {
        return since == null ? null : since.toString();
    }

    /**
     * A project by id or full path: {id, path_with_namespace, ...}.
     *
     * @throws GitLabRefusal when the token's user cannot see it or it does not exist
     */
    public Project project(String idOrPath) {
        return typed(
                Stages.join(read(GitLabPurpose.current(), "project", () -> api.project(encoded(idOrPath))))
                        .body(),
                Project.class,
                "project");
    }

    /**
     * The projects of a group and its subgroups, archived ones left out, all pages.
     *
     * @throws GitLabRefusal when the token's user cannot see the group or it does not exist
     */
    public List<Project> groupProjects(String group) {
        return Stages.join(readAllPages(
                GitLabPurpose.current(),
                "group projects",
                page -> api.groupProjects(encoded(group), true, false, page, PER_PAGE),
                node -> typed(node, Project.class, "group projects")));
    }

    /**
     * The commit a branch, tag or SHA of a project names now, for the policy repository.
     *
     * @throws GitLabRefusal when the token's user cannot see the project or the ref does not exist
     */
    public String commitOf(String project, String ref) {
        return typed(
                        Stages.join(read(
                                        GitLabPurpose.POLICIES,
                                        "repository commit",
                                        () -> api.repositoryCommit(encoded(project), encoded(ref))))
                                .body(),
                        RepositoryCommit.class,
                        "repository commit")
                .id();
    }

    /** Every entry under {@code path} (the root when empty) of a project at a commit, subfolders included: all pages. */
    public List<RepositoryEntry> entriesAt(String project, String commit, String path) {
        return Stages.join(readAllPages(
                GitLabPurpose.POLICIES,
                "repository tree",
                page -> api.repositoryTree(
                        encoded(project), commit, path.isEmpty() ? null : path, true, page, PER_PAGE),
                node -> typed(node, RepositoryEntry.class, "repository tree")));
    }

    /** The newest commit of {@code commit}'s history that changed {@code path}, if any did. */
    public Optional<String> lastCommitChanging(String project, String commit, String path) {
        return Stages.join(readPages(
                        GitLabPurpose.POLICIES,
                        "repository commits",
                        page -> api.repositoryCommits(encoded(project), commit, path, page, 1),
                        node -> typed(node, RepositoryCommit.class, "repository commits"),
                        found -> true))
                .stream()
                .findFirst()
                .map(RepositoryCommit::id);
    }

    /** The merged merge request a commit came in with, if one did. */
    public Optional<MergeRequest> mergedWith(String project, String commit) {
        return Stages.join(readAllPages(
                        GitLabPurpose.POLICIES,
                        "commit merge requests",
                        page -> api.commitMergeRequests(encoded(project), commit, page, PER_PAGE),
                        node -> typed(node, MergeRequest.class, "commit merge requests")))
                .stream()
                .filter(mr -> "merged".equals(mr.state()))
                .findFirst();
    }

    /** The usernames of those who approved a merge request of the policy repository, as GitLab lists them now. */
    public List<String> approvers(String project, long iid) {
        return Stages.join(approvals(GitLabPurpose.POLICIES, encoded(project), iid)).stream()
                .map(Approval::username)
                .toList();
    }

    /**
     * Who approved a merge request, as GitLab lists them now (never cached: approvals come and go without a push),
     * with when, where GitLab says ({@code approved_at}, listed by newer GitLab versions).
     */
    public CompletionStage<List<Approval>> approvalsLater(GitLabPurpose purpose, CheckKey key) {
        return approvals(purpose, String.valueOf(key.projectId()), key.mergeRequestIid());
    }

    /** {@code project}: its id, or its path URL-encoded. */
    private CompletionStage<List<Approval>> approvals(GitLabPurpose purpose, String project, long iid) {
        return read(purpose, "merge request approvals", () -> api.mergeRequestApprovals(project, iid))
                .thenApply(page -> {
                    List<Approval> approvals = new ArrayList<>();
                    for (JsonNode approval : page.body().path("approved_by")) {
                        JsonNode user = approval.path("user");
                        if (!user.path("username").isTextual()) {
                            throw new DataUnavailableException(
                                    "GitLab's merge request approvals answer lists an approval without a username");
                        }
                        approvals.add(new Approval(
                                user.path("username").asText(),
                                user.path("name").asText(""),
                                instant(approval.path("approved_at").asText(null))));
                    }
                    return List.copyOf(approvals);
                });
    }

    private static Instant instant(String text) {
        try {
            return text == null || text.isBlank()
                    ? null
                    : OffsetDateTime.parse(text).toInstant();
        } catch (java.time.format.DateTimeParseException e) {
            throw new DataUnavailableException("GitLab's approved_at '" + text + "' is not a time");
        }
    }

    /**
     * The code-owner rules GitLab requires of a merge request now (approval_state, GitLab Premium): the rules of type
     * code_owner that need an approval, approved or not.
     */
    public CompletionStage<List<CodeOwnerRule>> codeOwnerRulesLater(GitLabPurpose purpose, CheckKey key) {
        return read(
                        purpose,
                        "merge request approval state",
                        () -> api.approvalState(key.projectId(), key.mergeRequestIid()))
                .thenApply(page -> {
                    List<CodeOwnerRule> rules = new ArrayList<>();
                    for (JsonNode rule : page.body().path("rules")) {
                        if ("code_owner".equals(rule.path("rule_type").asText())
                                && rule.path("approvals_required").asInt(1) > 0) {
                            rules.add(new CodeOwnerRule(
                                    rule.path("name").asText("code owners"),
                                    rule.path("approved").asBoolean(false)));
                        }
                    }
                    return List.copyOf(rules);
                });
    }

    /** The usernames of a group's members, inherited ones too, as GitLab listed them within group-members-for. */
    public CompletionStage<Set<String>> groupMembersLater(GitLabPurpose purpose, String group) {
        return groupMembers.get(
                group.toLowerCase(Locale.ROOT),
                (path, executor) -> this.<String>readAllPages(
                                purpose,
                                "group members",
                                page -> api.groupMembers(encoded(group), page, PER_PAGE),
                                node -> node.path("username").asText())
                        .thenApply(members -> Set.copyOf(members))
                        .toCompletableFuture());
    }

    /** A group's members, if they are cached: a verdict waits for a read it has not made, holding no thread. */
    Optional<Set<String>> cachedGroupMembers(String group) {
        CompletableFuture<Set<String>> cached = groupMembers.getIfPresent(group.toLowerCase(Locale.ROOT));
        return cached != null && cached.isDone() && !cached.isCompletedExceptionally()
                ? Optional.of(cached.join())
                : Optional.empty();
    }

    /** A file's bytes at a commit. */
    public byte[] fileAt(String project, String commit, String path) {
        RepositoryFile file = typed(
                Stages.join(read(
                                GitLabPurpose.POLICIES,
                                "repository file",
                                () -> api.repositoryFile(encoded(project), encoded(path), commit)))
                        .body(),
                RepositoryFile.class,
                "repository file");
        if (!"base64".equals(file.encoding()) || file.content() == null) {
            throw new DataUnavailableException(
                    "GitLab's repository file answer for " + path + " has no base64 content");
        }
        return Base64.getMimeDecoder().decode(file.content());
    }

    private static String encoded(String idOrPath) {
        return URLEncoder.encode(idOrPath, StandardCharsets.UTF_8);
    }

    @SuppressWarnings("unchecked")
    private <T> CompletionStage<T> cached(Cache<String, Object> cache, String key, Supplier<CompletionStage<T>> read) {
        Object hit = cache.getIfPresent(key);
        if (hit != null) {
            return CompletableFuture.completedFuture((T) hit);
        }
        // Failures are not cached: the next evaluation tries GitLab again.
        return read.get().thenApply(value -> {
            cache.put(key, value);
            return value;
        });
    }

    private <T> T typed(JsonNode node, Class<T> type, String what) {
        try {
            return json.treeToValue(node, type);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new DataUnavailableException("GitLab's " + what + " answer cannot be read: " + e.getMessage(), e);
        }
    }

    private <T> CompletionStage<List<T>> readAllPages(
            GitLabPurpose purpose, String what, Function<Integer, Uni<Response>> call, Function<JsonNode, T> item) {
        return readPages(purpose, what, call, item, node -> false);
    }

    /** Reads page after page until the last, or until an item is {@code enough}; the items read, in order. */
    private <T> CompletionStage<List<T>> readPages(
            GitLabPurpose purpose,
            String what,
            Function<Integer, Uni<Response>> call,
            Function<JsonNode, T> item,
            Predicate<T> enough) {
        return readPagesFrom(purpose, 1, 0, new ArrayList<>(), what, call, item, enough);
    }

    private <T> CompletionStage<List<T>> readPagesFrom(
            GitLabPurpose purpose,
            int page,
            int pagesRead,
            List<T> all,
            String what,
            Function<Integer, Uni<Response>> call,
            Function<JsonNode, T> item,
            Predicate<T> enough) {
        if (pagesRead == MAX_PAGES) {
            return CompletableFuture.failedFuture(new DataUnavailableException("GitLab lists more " + what
                    + " than policy-gate reads (" + MAX_PAGES + " pages of " + PER_PAGE + ")"));
        }
        return read(purpose, what, () -> call.apply(page)).thenCompose(result -> {
            if (!result.body().isArray()) {
                throw new DataUnavailableException("GitLab's " + what + " answer is not a list");
            }
            for (JsonNode node : result.body()) {
                T read = item.apply(node);
                all.add(read);
                if (enough.test(read)) {
                    return CompletableFuture.completedFuture(all);
                }
            }
            if (result.nextPage() == null) {
                return CompletableFuture.completedFuture(all);
            }
            return readPagesFrom(purpose, result.nextPage(), pagesRead + 1, all, what, call, item, enough);
        });
    }

    private record Page(JsonNode body, Integer nextPage) {}

    /** One read, its tries made as {@code purpose} whichever thread makes them. */
    private CompletionStage<Page> read(GitLabPurpose purpose, String what, Supplier<Uni<Response>> call) {
        if (config.url().isEmpty()) {
            return CompletableFuture.failedFuture(new DataUnavailableException(
                    "policy-gate.gitlab.url is not set, so the merge request's " + what + " cannot be read"));
        }
        // A retry starts from the guard's timer: each try is a child of the span that asked for the read.
        Context caller = Context.current();
        return retries.get(
                        () -> {
                            try (Scope scope = caller.makeCurrent()) {
                                return attempt(purpose, what, call);
                            }
                        },
                        new TypeLiteral<CompletionStage<Page>>() {})
                .exceptionallyCompose(failed -> {
                    Throwable cause = Stages.cause(failed);
                    if (!(cause instanceof TransientRead transientRead)) {
                        return CompletableFuture.failedFuture(cause);
                    }
                    String message = cause.getMessage() + " (" + ATTEMPTS + " attempts)";
                    GitLabAnswer.Transient last = transientRead.answer;
                    return CompletableFuture.failedFuture(
                            Integer.valueOf(429).equals(last.status())
                                    ? new RateLimitedRead(message, last.retryAfter())
                                    : new DataUnavailableException(message));
                });
    }

    /** One try; a transient answer fails it with {@link TransientRead}, which {@link #retries} retries. */
    private CompletionStage<Page> attempt(GitLabPurpose purpose, String what, Supplier<Uni<Response>> call) {
        return Uni.createFrom()
                .deferred(() -> GitLabPurpose.during(purpose, call))
                .subscribeAsCompletionStage()
                .handle((response, failed) -> failed == null ? answer(what, response) : unanswered(what, failed))
                .thenApply(answer -> page(what, answer));
    }

    private GitLabAnswer answer(String what, Response response) {
        try (response) {
            return GitLabAnswer.of(
                    GitLabAnswer.Request.READ,
                    "the " + what + " read",
                    response.getStatus(),
                    body(response, what),
                    response.getHeaderString("X-Next-Page"),
                    null,
                    Instant.now());
        } catch (TooLargeToJudgeException e) {
            throw e;
        } catch (RuntimeException e) {
            return unanswered(what, e);
        }
    }

    private GitLabAnswer unanswered(String what, Throwable failed) {
        return GitLabAnswer.unanswered("request to GitLab", Stages.cause(failed));
    }

    /** The page GitLab's answer holds; a refusal or a transient answer fails the try. */
    private Page page(String what, GitLabAnswer answer) {
        if (answer instanceof GitLabAnswer.Success success) {
            return parsed(what, success);
        }
        if (answer instanceof GitLabAnswer.Refused refused) {
            throw new GitLabRefusal(
                    new GitLabAnswer.Refused(refused.status(), refused.answer() + " (1 attempt)", refused.fix()));
        }
        throw new TransientRead((GitLabAnswer.Transient) answer);
    }

    /**
     * The answer's body, refused past policy-gate.gitlab.max-answer-size: by its Content-Length before it is read
     * when GitLab sends one, otherwise when reading passes the limit. Either way it is never parsed, cached or
     * handed to a rule.
     */
    private String body(Response response, String what) {
        if (!response.hasEntity()) {
            return "";
        }
        long limit = config.maxAnswerSize().asLongValue();
        if (response.getLength() > limit) {
            throw tooLarge(what, response.getLength() + " bytes, more", limit);
        }
        try (InputStream in = response.readEntity(InputStream.class)) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            if (bytes.length > limit) {
                throw tooLarge(what, "more", limit);
            }
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static TooLargeToJudgeException tooLarge(String what, String size, long limit) {
        return new TooLargeToJudgeException("GitLab's " + what + " answer is " + size + " than policy-gate reads ("
                + "policy-gate.gitlab.max-answer-size, " + limit + " bytes): too large to judge");
    }

    /** A read worth another try within the call. */
    private static final class TransientRead extends RuntimeException {
        private final transient GitLabAnswer.Transient answer;

        TransientRead(GitLabAnswer.Transient answer) {
            super(answer.detail(), null, false, false);
            this.answer = answer;
        }
    }

    private Page parsed(String what, GitLabAnswer.Success success) {
        try {
            return new Page(
                    json.readTree(success.body()),
                    success.nextPage() == null ? null : Integer.valueOf(success.nextPage()));
        } catch (JsonProcessingException | NumberFormatException e) {
            throw new DataUnavailableException("GitLab's " + what + " answer cannot be read: " + e.getMessage(), e);
        }
    }
}
