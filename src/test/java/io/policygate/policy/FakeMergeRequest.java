package io.policygate.policy;

import java.util.List;

/** A merge request for rule tests, shaped like the sample payload; change one fact at a time. */
public record FakeMergeRequest(long projectId, String projectPath, long iid, String title, String description,
        String sourceBranch, String targetBranch, boolean draft, List<String> labels, String state, String action,
        long authorId, String url, String sha, long statusCheckId, String statusCheckName, String username)
        implements MergeRequestContext {

    public static FakeMergeRequest sample() {
        return new FakeMergeRequest(6, "flightjs/Flight", 4, "Update README.md", "", "root-main-patch-30152", "main",
                false, List.of(), "opened", "open", 1, "http://example.com/flightjs/Flight/-/merge_requests/4",
                "141be9714669a4c1ccaa013c6a7f3e462ff2a40f", 1, "QA", "root");
    }

    public FakeMergeRequest withTitle(String value) {
        return new FakeMergeRequest(projectId, projectPath, iid, value, description, sourceBranch, targetBranch, draft,
                labels, state, action, authorId, url, sha, statusCheckId, statusCheckName, username);
    }

    public FakeMergeRequest withDescription(String value) {
        return new FakeMergeRequest(projectId, projectPath, iid, title, value, sourceBranch, targetBranch, draft,
                labels, state, action, authorId, url, sha, statusCheckId, statusCheckName, username);
    }

    public FakeMergeRequest withSourceBranch(String value) {
        return new FakeMergeRequest(projectId, projectPath, iid, title, description, value, targetBranch, draft,
                labels, state, action, authorId, url, sha, statusCheckId, statusCheckName, username);
    }

    public FakeMergeRequest withTargetBranch(String value) {
        return new FakeMergeRequest(projectId, projectPath, iid, title, description, sourceBranch, value, draft,
                labels, state, action, authorId, url, sha, statusCheckId, statusCheckName, username);
    }

    public FakeMergeRequest withDraft(boolean value) {
        return new FakeMergeRequest(projectId, projectPath, iid, title, description, sourceBranch, targetBranch, value,
                labels, state, action, authorId, url, sha, statusCheckId, statusCheckName, username);
    }

    public FakeMergeRequest withLabels(String... value) {
        return new FakeMergeRequest(projectId, projectPath, iid, title, description, sourceBranch, targetBranch, draft,
                List.of(value), state, action, authorId, url, sha, statusCheckId, statusCheckName, username);
    }

    public FakeMergeRequest withProject(long id, String path) {
        return new FakeMergeRequest(id, path, iid, title, description, sourceBranch, targetBranch, draft, labels, state,
                action, authorId, url, sha, statusCheckId, statusCheckName, username);
    }

    public FakeMergeRequest withStatusCheckName(String value) {
        return new FakeMergeRequest(projectId, projectPath, iid, title, description, sourceBranch, targetBranch, draft,
                labels, state, action, authorId, url, sha, statusCheckId, value, username);
    }
}
