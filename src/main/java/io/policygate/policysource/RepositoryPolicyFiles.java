package io.policygate.policysource;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.policygate.gitlab.GitLabRefusal;
import io.policygate.gitlab.MergeRequestReads;
import io.policygate.gitlab.RepositoryEntry;
import io.policygate.journal.PolicyPins;
import io.policygate.policy.DataUnavailableException;
import io.policygate.policy.PolicyError;
import io.policygate.policy.PolicyFiles;
import io.policygate.policy.PolicyFolder;
import io.policygate.policy.PolicyLoadException;
import io.policygate.policy.PolicyOrigin;
import io.policygate.policy.WaiverReview;
import io.policygate.policytest.PolicyTests;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The policy files of a GitLab repository at the commit its ref names now (policy-gate.policies.repository, .ref,
 * .path): the policy files directly in the folder and the waiver files in its {@code waivers/}, as a folder is read,
 * every one read at that one commit so that a set is never half of one commit and half of the next. Its version is
 * the commit: checking for a change costs one call to GitLab. While the policies are pinned (journal), the version is
 * the pinned commit.
 */
final class RepositoryPolicyFiles implements PolicyFiles {

    /** Commits of merge requests on the policy repository whose files are kept: a few policy folders' worth. */
    private static final int PROPOSALS_KEPT = 16;

    private final String project;
    private final Optional<String> ref;
    private final String folder;
    private final MergeRequestReads reads;
    private final PolicyPins pins;
    private final boolean waiverApprovals;
    /** Reviews by the commit that last changed a waiver file, and the file: a new commit elsewhere reads none again. */
    private final Map<String, WaiverReview> reviews = new ConcurrentHashMap<>();
    /** The files of the merge requests' commits reviewed last, by commit and branch. */
    private final Cache<String, Proposed> proposed =
            Caffeine.newBuilder().maximumSize(PROPOSALS_KEPT).build();

    private volatile Optional<PolicyPins.Pin> pin = Optional.empty();
    /** The project's default branch, read once when no ref is configured. */
    private volatile String defaultBranch;

    RepositoryPolicyFiles(
            String project,
            Optional<String> ref,
            Optional<String> folder,
            boolean waiverApprovals,
            MergeRequestReads reads,
            PolicyPins pins) {
        this.project = project;
        this.ref = ref.filter(r -> !r.isBlank());
        this.folder = folder.map(f -> f.replaceAll("^/+|/+$", "")).orElse("");
        this.reads = reads;
        this.pins = pins;
        this.waiverApprovals = waiverApprovals;
    }

    @Override
    public String source() {
        return "GitLab project " + project + " at " + ref.orElse("its default branch")
                + (folder.isEmpty() ? "" : ", folder " + folder)
                + pin.map(held -> ", pinned at commit " + held.commit() + " by " + held.by())
                        .orElse("");
    }

    /**
     * The commit the ref names now; while an operator has pinned the policies, the pinned one (no call to GitLab).
     * The pin is read from the journal here, every reload-every, and kept for {@link #pin()}.
     */
    @Override
    public String version() {
        pin = pins.current();
        return pin.map(PolicyPins.Pin::commit).orElseGet(() -> commitOf(ref()));
    }

    /**
     * The pin as the last {@link #version()} read it: pages, probes and scrapes ask for it without reading the
     * journal (the health check and the metrics are public).
     */
    Optional<PolicyPins.Pin> pin() {
        return pin;
    }

    /** The full commit a branch, tag or (short) SHA of the repository names. */
    String commitOf(String ref) {
        return gitlab(() -> reads.commitOf(project, ref));
    }

    @Override
    public Snapshot read(String commit) {
        Map<String, byte[]> files = gitlab(() -> setFiles(commit, reads.entriesAt(project, commit, folder)));
        Map<String, WaiverReview> reviewed = new TreeMap<>();
        if (waiverApprovals) {
            files.keySet().stream()
                    .filter(PolicyFolder::isWaiverFile)
                    .forEach(path -> reviewed.put(path, review(commit, path)));
        }
        return new Snapshot(commit, PolicyOrigin.repository(project, ref(), commit), files, List.of(), reviewed);
    }

    /** The policy and waiver files among {@code entries}, each read at {@code commit}. */
    private Map<String, byte[]> setFiles(String commit, List<RepositoryEntry> entries) {
        Map<String, byte[]> files = new TreeMap<>();
        for (RepositoryEntry entry : entries) {
            if (entry.isFile() && isSetFile(entry.path())) {
                files.put(entry.path(), reads.fileAt(project, commit, entry.path()));
            }
        }
        return files;
    }

    /** What a merge request on the policy repository proposes: the set at its commit, and the tests beside it. */
    record Proposed(Snapshot set, List<String> testFiles, PolicyTests.Files files) {}

    /**
     * The files at {@code commit}, the HEAD of a merge request from {@code branch}: the set as {@link #read} reads one
     * (its waivers not yet reviewed: the merge request is that review), the test files directly in the folder, and
     * any other file of the commit by path (what the tests name). A fork's commit is read from this project too:
     * GitLab keeps every merge request's HEAD under the target project's refs/merge-requests. GitLab's failures are
     * left to the caller, which tries again later rather than judge on less.
     */
    Proposed proposedAt(String commit, String branch) {
        // A commit's files never change: a review done again (a report GitLab did not take, an approval) reads none.
        return proposed.get(commit + " " + branch, key -> readProposed(commit, branch));
    }

    private Proposed readProposed(String commit, String branch) {
        List<RepositoryEntry> entries = reads.entriesAt(project, commit, folder);
        List<String> tests = entries.stream()
                .filter(e -> e.isFile() && isInFolder(e.path()) && PolicyTests.isTestFileName(name(e.path())))
                .map(RepositoryEntry::path)
                .sorted()
                .toList();
        Snapshot set = new Snapshot(
                commit,
                PolicyOrigin.repository(project, branch, commit),
                setFiles(commit, entries),
                List.of(),
                Map.of());
        // Test cases share their payload files: each is read once.
        Map<String, byte[]> read = new ConcurrentHashMap<>();
        return new Proposed(set, tests, path -> {
            try {
                return read.computeIfAbsent(path, p -> reads.fileAt(project, commit, p));
            } catch (GitLabRefusal e) {
                throw new IOException("GitLab has no file " + path + " at commit " + commit + " (" + e.answer() + ")");
            }
        });
    }

    /** The folder of the policy files, as people read it: its path, or "/" for the repository's root. */
    String folder() {
        return folder.isEmpty() ? "/" : folder;
    }

    /** Whether this is the policy repository, named by its id or its path (any case, as GitLab treats paths). */
    boolean isProject(long projectId, String projectPath) {
        return project.equals(String.valueOf(projectId)) || project.equalsIgnoreCase(projectPath);
    }

    /** The merge request that last changed a waiver file before {@code commit}, and who approved it. */
    private WaiverReview review(String commit, String path) {
        Optional<String> changed = gitlab(() -> reads.lastCommitChanging(project, commit, path));
        if (changed.isEmpty()) {
            return WaiverReview.none("GitLab lists no commit that changed " + path);
        }
        return reviews.computeIfAbsent(
                changed.get() + " " + path,
                key -> gitlab(() -> reads.mergedWith(project, changed.get()))
                        .map(mr -> new WaiverReview(
                                mr.references() == null || mr.references().full() == null
                                        ? project + "!" + mr.iid()
                                        : mr.references().full(),
                                mr.webUrl(),
                                gitlab(() -> reads.approvers(project, mr.iid())),
                                null))
                        .orElseGet(() -> WaiverReview.none("commit " + changed.get() + ", the last to change " + path
                                + ", came in without a merged merge" + " request")));
    }

    /** A policy file directly in the folder, or a waiver file in its waivers/, as {@link PolicyFolder} reads them. */
    private boolean isSetFile(String path) {
        String inFolder = inFolder(path);
        if (inFolder == null) {
            return false;
        }
        String parent = inFolder.contains("/") ? inFolder.substring(0, inFolder.lastIndexOf('/')) : "";
        return (parent.isEmpty() || parent.equals(PolicyFolder.WAIVERS_FOLDER))
                && PolicyFolder.isPolicyFileName(name(path));
    }

    /** Whether a path is directly in the folder. */
    private boolean isInFolder(String path) {
        String inFolder = inFolder(path);
        return inFolder != null && !inFolder.contains("/");
    }

    /** The path from the folder, or null outside it. */
    private String inFolder(String path) {
        return folder.isEmpty() ? path : path.startsWith(folder + "/") ? path.substring(folder.length() + 1) : null;
    }

    private static String name(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private String ref() {
        if (ref.isPresent()) {
            return ref.get();
        }
        if (defaultBranch == null) {
            defaultBranch = gitlab(() -> reads.project(project).defaultBranch());
        }
        return defaultBranch;
    }

    /** A read of GitLab; when GitLab cannot be read or refuses, a load error that says so (the set in force stays). */
    private <T> T gitlab(Supplier<T> read) {
        try {
            return read.get();
        } catch (DataUnavailableException e) {
            throw new PolicyLoadException(new ArrayList<>(
                    List.of(new PolicyError(source(), 0, null, "cannot be read from GitLab: " + e.getMessage()))));
        }
    }
}
