package io.policygate.policy;

import java.util.List;

/**
 * The read-only view of a merge request that policies see. The engine never learns where the facts came from:
 * GitLab's answers when a job is judged, a payload in a dry run, a test file, a test fake. Nothing here is
 * only in a webhook body (who triggered it, which action): a verdict may depend only on what GitLab can say.
 */
public interface MergeRequestContext {

    long projectId();

    /** path_with_namespace, e.g. "payments/api"; empty when unknown. */
    String projectPath();

    long iid();

    String title();

    String description();

    String sourceBranch();

    String targetBranch();

    boolean draft();

    List<String> labels();

    /** opened, closed, merged, locked. */
    String state();

    long authorId();

    String url();

    /** The HEAD SHA this evaluation is for. */
    String sha();

    long statusCheckId();

    /** external_approval_rule.name; empty for plain project webhooks. */
    String statusCheckName();
}
