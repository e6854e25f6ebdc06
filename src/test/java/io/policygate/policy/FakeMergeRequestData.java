package io.policygate.policy;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** GitLab's answers for rule tests; a null list stands for "GitLab could not be read". */
public record FakeMergeRequestData(
        List<Change> changes,
        List<Commit> commits,
        String authorUsername,
        List<Approval> approvals,
        List<CodeOwnerRule> codeOwnerRules,
        Map<String, Set<String>> groups)
        implements MergeRequestData {

    public FakeMergeRequestData(List<Change> changes, List<Commit> commits, String authorUsername) {
        this(changes, commits, authorUsername, List.of(), List.of(), Map.of());
    }

    public static FakeMergeRequestData of(List<Change> changes, List<Commit> commits) {
        return new FakeMergeRequestData(changes, commits, "root");
    }

    /** These answers, with GitLab listing {@code approvals}, requiring {@code codeOwnerRules}, and {@code groups}. */
    public FakeMergeRequestData with(
            List<Approval> approvals, List<CodeOwnerRule> codeOwnerRules, Map<String, Set<String>> groups) {
        return new FakeMergeRequestData(changes, commits, authorUsername, approvals, codeOwnerRules, groups);
    }

    public static FakeMergeRequestData changes(Change... changes) {
        return of(List.of(changes), List.of());
    }

    public static FakeMergeRequestData commits(Commit... commits) {
        return of(List.of(), List.of(commits));
    }

    /** A modified file whose diff adds {@code added} and removes {@code deleted} lines. */
    public static Change modified(String path, int added, int deleted) {
        StringBuilder diff = new StringBuilder("@@ -1 +1 @@\n");
        diff.append("-old\n".repeat(deleted)).append("+new\n".repeat(added));
        return new Change(path, path, false, false, false, diff.toString());
    }

    public static Commit commit(String message) {
        return new Commit(
                "0123456789abcdef0123456789abcdef01234567",
                message.lines().findFirst().orElse(""),
                message,
                "Ada",
                "ada@example.com");
    }

    @Override
    public List<Change> changes() {
        if (changes == null) {
            throw new DataUnavailableException("GitLab answered 503 three times");
        }
        return changes;
    }

    @Override
    public List<Commit> commits() {
        if (commits == null) {
            throw new DataUnavailableException("GitLab answered 503 three times");
        }
        return commits;
    }

    @Override
    public String authorUsername() {
        if (authorUsername == null) {
            throw new DataUnavailableException("GitLab answered 503 three times");
        }
        return authorUsername;
    }

    @Override
    public List<Approval> approvals() {
        if (approvals == null) {
            throw new DataUnavailableException("GitLab answered 503 three times");
        }
        return approvals;
    }

    @Override
    public List<CodeOwnerRule> codeOwnerRules() {
        if (codeOwnerRules == null) {
            throw new DataUnavailableException("GitLab answered 403: approval_state is GitLab Premium's");
        }
        return codeOwnerRules;
    }

    @Override
    public Set<String> groupMembers(String group) {
        if (!groups.containsKey(group)) {
            throw new DataUnavailableException("GitLab answered 404 for group " + group);
        }
        return groups.get(group);
    }
}
