package io.policygate.web;

import io.policygate.policy.Evidence;
import io.policygate.policy.PolicySet;
import java.util.List;

/** One evaluation explained: the merge request, every policy's rules with evidence, and GitLab's answers. */
public record EvaluationPage(HistoryRow evaluation, String sha, String sourceBranch, String targetBranch,
        String triggeredBy, String labels, String statusCheck, String received, String finished, String summary,
        List<PolicyView> policies, List<AttemptView> attempts, List<PolicySet.PolicyFile> policyFiles, String note) {

    /** {@code outcome}: failed (blocks), would-fail (only audited rules fail) or passed. */
    public record PolicyView(String name, String file, String mode, String outcome, List<RuleView> rules) {
    }

    public record RuleView(String type, String outcome, boolean audit, String message, List<Evidence.Fact> seen,
            String expected) {
    }

    public record AttemptView(int number, String started, long durationMillis, String answer, String outcome,
            String detail) {
    }
}
