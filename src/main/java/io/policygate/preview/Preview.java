package io.policygate.preview;

import io.policygate.policy.PolicySet;
import java.time.Instant;
import java.util.List;

/**
 * What a candidate policy set would change: every open merge request in scope with its verdict under the
 * policies in force and under the candidate, and the rules whose outcome differs. Nothing was posted.
 */
public record Preview(
        String id,
        Instant createdAt,
        String scope,
        String statusCheck,
        List<PolicySet.PolicyFile> live,
        List<PolicySet.PolicyFile> candidate,
        Counts counts,
        List<MergeRequestImpact> mergeRequests,
        List<NotEvaluated> notEvaluated) {

    /** How many merge requests flip which way. */
    public record Counts(int mergeRequests, int toFailed, int toPassed, int unchanged, int notEvaluated) {}

    /**
     * One merge request: {@code change} is to-failed, to-passed or unchanged. {@code judgedAt} is null for an open
     * merge request (judged at its HEAD); for one policy-gate judged in the last days that is not open any more, the
     * day of that verdict (judged at its commit).
     */
    public record MergeRequestImpact(
            long project,
            String projectPath,
            long iid,
            String title,
            String url,
            String sha,
            String live,
            String candidate,
            String change,
            List<RuleChange> rules,
            String judgedAt) {}

    /**
     * A rule whose outcome differs: {@code live} and {@code candidate} are its outcome (passed, failed, error,
     * skipped; a failure or error "(audit)" when audited) or "not applied" where the policy or rule does not
     * apply or exist.
     */
    public record RuleChange(String policy, int rule, String type, String live, String candidate, String message) {}

    /** A merge request or project that could not be evaluated, and why. */
    public record NotEvaluated(String where, String reason) {}

    /** One line for lists: the scope and the flips. */
    public String summary() {
        return counts.mergeRequests() + " open merge requests: " + counts.toFailed() + " would fail, "
                + counts.toPassed() + " would pass, " + counts.unchanged() + " unchanged"
                + (counts.notEvaluated() == 0 ? "" : ", " + counts.notEvaluated() + " not evaluated");
    }
}
