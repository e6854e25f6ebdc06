package io.policygate.policy;

import java.util.List;

/**
 * What a change to the policy repository would do to the merge requests of the projects its policies apply to: the
 * counts of an impact preview and every merge request whose verdict would flip. Carried by the verdict on the policy
 * repository's merge request, for its note and pages; {@code previewId} names the stored preview with every rule that
 * changed. {@code notPreviewed} says why there is no preview (invalid files, a scope too large), null when there is.
 */
public record PolicyImpact(
        String previewId,
        String scope,
        int mergeRequests,
        int toFailed,
        int toPassed,
        int notEvaluated,
        List<Flip> flips,
        String notPreviewed) {

    public PolicyImpact {
        flips = List.copyOf(flips);
    }

    /** A policy change whose impact was not previewed, and why. */
    public static PolicyImpact notPreviewed(String why) {
        return new PolicyImpact(null, null, 0, 0, 0, 0, List.of(), why);
    }

    /**
     * A merge request whose verdict would change from {@code live} to {@code candidate}; {@code judgedAt} is null
     * for an open merge request, the day of its last verdict for one judged in the last days and no longer open.
     */
    public record Flip(
            String project, long iid, String title, String url, String live, String candidate, String judgedAt) {}

    /** The flips of one project. */
    public List<Flip> of(String project) {
        return flips.stream().filter(f -> f.project().equals(project)).toList();
    }

    /** The projects with a flip, in the order of the flips. */
    public List<String> projects() {
        return flips.stream().map(Flip::project).distinct().toList();
    }
}
