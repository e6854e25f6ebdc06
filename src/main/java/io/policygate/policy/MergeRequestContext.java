package io.policygate.policy;

import java.util.List;

/**
 * The read-only view of a merge request that policies see. The engine never learns where the facts
 * came from (a webhook payload, a GitLab read, a test fake).
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

    /** open, update, reopen, approved, ...; empty when GitLab re-sent the payload (a retry). */
    String action();

    long authorId();

    String url();

    /** The HEAD SHA this evaluation is for. */
    String sha();

    long statusCheckId();

    /** external_approval_rule.name; empty for plain project webhooks. */
    String statusCheckName();

    /** Username of whoever triggered the event. */
    String username();
}
