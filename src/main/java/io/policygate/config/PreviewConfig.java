package io.policygate.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Optional;

/** Impact previews of candidate policy sets (POST /api/v1/policies/preview, and merge requests on the policy repository). */
@ConfigMapping(prefix = "policy-gate.preview")
public interface PreviewConfig {

    /** GitLab calls per second a preview may make (listing, and each merge request's changes, commits, author). */
    @WithDefault("5")
    int requestsPerSecond();

    /** Open merge requests a preview evaluates at most; a larger scope is refused (narrow it to projects). */
    @WithDefault("500")
    int maxMergeRequests();

    /**
     * The review of a merge request on the policy repository previews its policies against the projects policy-gate
     * judged in this many days (their open merge requests, and the merge requests judged then that are no longer
     * open, at the commit judged).
     */
    @WithDefault("30")
    int days();

    /**
     * A merge request on the policy repository fails its status check when its policies would newly fail more of
     * those merge requests than this. Unset: the impact is shown in its note and never fails the check by itself.
     */
    Optional<Integer> maxNewlyFailing();

    /**
     * Paths of the groups whose projects and subgroups previews and dry runs may read with policy-gate's GitLab
     * token, e.g. {@code bank/payments,bank/platform}. Unset: only the projects GitLab has confirmed (judged from its
     * facts, or handed over by register).
     * Anything else is refused with 403 before GitLab is asked.
     */
    Optional<List<String>> allowedGroups();
}
