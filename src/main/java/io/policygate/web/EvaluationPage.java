package io.policygate.web;

import io.policygate.policy.Evidence;
import io.policygate.policy.WaiverUse;
import java.util.List;

/**
 * One evaluation explained: the merge request, every policy's rules with evidence, and GitLab's answers.
 * {@code factsFrom}: "gitlab" when the merge request's facts are GitLab's, "webhook" when only the trigger's names
 * are known. {@code askedBy}: what asked for the evaluation. {@code previewId}: on a merge request of the policy
 * repository, the impact preview of the change (null elsewhere, and when nothing was previewed).
 */
public record EvaluationPage(
        HistoryRow evaluation,
        String sha,
        String sourceBranch,
        String targetBranch,
        String askedBy,
        String factsFrom,
        String labels,
        String statusCheck,
        String received,
        String finished,
        String summary,
        List<PolicyView> policies,
        List<AttemptView> attempts,
        String policySource,
        String policyCommit,
        List<FileView> policyFiles,
        String note,
        String previewId) {

    /** A policy file that decided: {@code url} shows it in GitLab at the commit, when it was read from a repository. */
    public record FileView(String path, String sha256, String url) {}

    /**
     * {@code outcome}: failed (blocks), audit-failed (only audited rules fail), waived (a waiver excused what failed)
     * or passed.
     */
    public record PolicyView(String name, String file, String mode, String outcome, List<RuleView> rules) {}

    /** {@code waiver}: the waiver that excused the rule, or null. */
    public record RuleView(
            String type,
            String outcome,
            boolean audit,
            String message,
            List<Evidence.Fact> seen,
            String expected,
            WaiverUse waiver) {}

    /** {@code posted}: the verdict GitLab took in this attempt, or null. */
    public record AttemptView(
            int number,
            String started,
            long durationMillis,
            String answer,
            String outcome,
            String detail,
            String posted) {}
}
