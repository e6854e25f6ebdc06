package io.policygate.gitlab;

import io.policygate.policy.MergeRequestContext;
import java.util.List;

/**
 * What policies see of a merge request when a job is judged: GitLab's own answers, read for that evaluation
 * (the merge request with its project's full path, and the status check as the project lists it),
 * never a webhook body's word. Stored with the verdict, so the history shows what was judged.
 */
public record MergeRequestFacts(
        long projectId,
        String projectPath,
        long iid,
        String title,
        String description,
        String sourceBranch,
        String targetBranch,
        boolean draft,
        List<String> labels,
        String state,
        long authorId,
        String authorUsername,
        String url,
        String sha,
        long statusCheckId,
        String statusCheckName)
        implements MergeRequestContext {

    public MergeRequestFacts {
        labels = List.copyOf(labels);
    }

    public static MergeRequestFacts of(
            long projectId, String projectPath, MergeRequest mr, long checkId, String checkName) {
        return new MergeRequestFacts(
                projectId,
                projectPath,
                mr.iid(),
                mr.title(),
                mr.description(),
                mr.sourceBranch(),
                mr.targetBranch(),
                mr.inDraft(),
                mr.labels(),
                mr.state(),
                mr.author().id(),
                mr.author().username(),
                mr.webUrl(),
                mr.sha(),
                checkId,
                // A preview may name no check: policies see an empty name, as for a check without one.
                checkName == null ? "" : checkName);
    }
}
