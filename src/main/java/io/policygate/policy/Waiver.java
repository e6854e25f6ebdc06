package io.policygate.policy;

import java.time.LocalDate;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A documented, expiring exception to one policy (or one of its rules) for some merge requests, as loaded from a
 * file under the policy folder's {@code waivers/}. {@code rule} is the index of the rule it waives in its policy
 * (null: every rule of the policy), resolved at load from the type or index the file names. It applies from the
 * day it was approved through the day it expires (both included, UTC), only to merge requests of its projects
 * and, when given, of that iid and a source branch its glob matches: what GitLab says about the merge request,
 * never what a webhook body claims. {@code review}: read from a repository, the merge request that brought it in and
 * who approved it there (null for a folder's waivers).
 */
public record Waiver(
        String id,
        String policy,
        Integer rule,
        List<Long> projectIds,
        List<Glob> projectPaths,
        Long mergeRequest,
        Glob sourceBranch,
        String reason,
        String approvedBy,
        LocalDate approvedOn,
        LocalDate expires,
        PolicySource source,
        WaiverReview review) {

    /** What an id may be: it goes into metrics' labels, URLs and the journal's comma-separated waivers column. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    public Waiver {
        projectIds = List.copyOf(projectIds);
        projectPaths = List.copyOf(projectPaths);
    }

    /** This waiver, with the merge request that brought it in. */
    public Waiver reviewedIn(WaiverReview review) {
        return new Waiver(
                id,
                policy,
                rule,
                projectIds,
                projectPaths,
                mergeRequest,
                sourceBranch,
                reason,
                approvedBy,
                approvedOn,
                expires,
                source,
                review);
    }

    /** Letters, digits, '.', '_' and '-', starting with a letter or digit, at most 64. */
    public static boolean isValidId(String id) {
        return ID.matcher(id).matches();
    }

    /** True on the days it applies: from approval through expiry. */
    public boolean inForce(LocalDate today) {
        return !today.isBefore(approvedOn) && !today.isAfter(expires);
    }

    /**
     * Where it stands on {@code today}: pending (not yet approved), expiring (in force, its last day within
     * {@code warnDays}), in-force, or expired.
     */
    public String state(LocalDate today, int warnDays) {
        if (today.isBefore(approvedOn)) {
            return "pending";
        }
        if (today.isAfter(expires)) {
            return "expired";
        }
        return today.plusDays(warnDays).isBefore(expires) ? "in-force" : "expiring";
    }

    /** True when it waives rule {@code ruleIndex} (-1: a result that is no rule's, such as appliesTo.when) of {@code policy}. */
    boolean covers(String policyName, int ruleIndex, MergeRequestContext mr, LocalDate today) {
        return policy.equals(policyName)
                && (rule == null || rule == ruleIndex)
                && inForce(today)
                && (projectIds.contains(mr.projectId())
                        || projectPaths.stream().anyMatch(g -> g.matches(mr.projectPath())))
                && (mergeRequest == null || mergeRequest == mr.iid())
                && (sourceBranch == null || sourceBranch.matches(mr.sourceBranch()));
    }
}
