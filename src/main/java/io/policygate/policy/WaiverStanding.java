package io.policygate.policy;

import java.util.List;

/**
 * Where a waiver of the set stands today, as the API and the pages show it: {@code state} (pending, in-force,
 * expiring, expired: see {@link Waiver#state}), the days left through its last day ({@code daysLeft}, 0 on the day it
 * expires, negative once expired), what it waives ({@code rule}: "every rule" or the rule's index and type), and why it
 * matches nothing ({@code matchesNothing}, null when it may match), and, read from a repository, the merge request that
 * brought it in and its approvers ({@code reviewedIn}).
 */
public record WaiverStanding(
        String id,
        String policy,
        String rule,
        List<String> projects,
        Long mergeRequest,
        String sourceBranch,
        String reason,
        String approvedBy,
        String approvedOn,
        String expires,
        String state,
        long daysLeft,
        String file,
        int line,
        String matchesNothing,
        WaiverReview reviewedIn) {

    public WaiverStanding {
        projects = List.copyOf(projects);
    }
}
