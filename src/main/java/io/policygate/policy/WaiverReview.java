package io.policygate.policy;

import java.util.List;

/**
 * The merge request that brought a waiver file into the policy repository, and who approved it there, as GitLab says:
 * a waiver read from a repository is in force only if the person its {@code approvedBy} names approved that merge
 * request. {@code mergeRequest} is its reference ({@code compliance/policies!12}) and {@code url} its page; both are
 * null when no merged merge request brought the file in (a push straight to the branch), which {@code why} says.
 */
public record WaiverReview(String mergeRequest, String url, List<String> approvers, String why) {

    public WaiverReview {
        approvers = List.copyOf(approvers);
    }

    /** A file that no merged merge request brought in, and why that is so. */
    public static WaiverReview none(String why) {
        return new WaiverReview(null, null, List.of(), why);
    }

    /** Why {@code waiver} may not count on this review, if it may not. */
    String refusal(Waiver waiver) {
        if (mergeRequest == null) {
            return "no merge request of the policy repository approved this waiver: " + why
                    + " (a waiver read from a repository counts only when the person in approvedBy approved the merge"
                    + " request that brought it in)";
        }
        if (!approvers.contains(waiver.approvedBy())) {
            return "'" + waiver.approvedBy() + "' did not approve " + mergeRequest + ", the merge request that brought"
                    + " this waiver in; its approvers: "
                    + (approvers.isEmpty() ? "none" : String.join(", ", approvers));
        }
        return null;
    }
}
