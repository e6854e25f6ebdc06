package io.policygate.event;

import io.policygate.policy.MergeRequestContext;
import java.util.List;

/**
 * A merge request as a payload describes it, for the dry runs that evaluate a body as it is ({@code POST
 * /api/v1/evaluate}, the {@code test} command): its trigger and what policies read of it. A webhook's job never
 * sees this: it stores the {@link Trigger} only and is judged on GitLab's facts.
 */
public record MergeRequestEvent(
        Trigger trigger,
        String title,
        String description,
        boolean draft,
        List<String> labels,
        String state,
        long authorId,
        String url)
        implements MergeRequestContext {

    public MergeRequestEvent {
        labels = List.copyOf(labels);
    }

    /** The journal key: one live evaluation per (project, MR, check). */
    public CheckKey key() {
        return trigger.key();
    }

    @Override
    public long projectId() {
        return trigger.key().projectId();
    }

    @Override
    public String projectPath() {
        return orEmpty(trigger.names().projectPath());
    }

    @Override
    public long iid() {
        return trigger.key().mergeRequestIid();
    }

    @Override
    public String sourceBranch() {
        return orEmpty(trigger.names().sourceBranch());
    }

    @Override
    public String targetBranch() {
        return orEmpty(trigger.names().targetBranch());
    }

    @Override
    public String sha() {
        return trigger.sha();
    }

    @Override
    public long statusCheckId() {
        return trigger.key().checkId();
    }

    @Override
    public String statusCheckName() {
        return orEmpty(trigger.names().checkName());
    }

    private static String orEmpty(String name) {
        return name == null ? "" : name;
    }
}
