package io.policygate.event;

import io.policygate.policy.MergeRequestContext;
import java.util.List;

/** A validated merge request event: the facts of a status-check (or MR webhook) payload we act on. */
public record MergeRequestEvent(
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
        String action,
        long authorId,
        String url,
        String sha,
        long statusCheckId,
        String statusCheckName,
        String username)
        implements MergeRequestContext {

    public MergeRequestEvent {
        labels = List.copyOf(labels);
    }

    /** The journal key: one live evaluation per (project, MR, check). */
    public CheckKey key() {
        return new CheckKey(projectId, iid, statusCheckId);
    }
}
