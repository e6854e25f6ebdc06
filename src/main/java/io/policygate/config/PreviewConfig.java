package io.policygate.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Optional;

/** Impact previews of candidate policy sets (POST /api/v1/policies/preview). */
@ConfigMapping(prefix = "policy-gate.preview")
public interface PreviewConfig {

    /** GitLab calls per second a preview may make (listing, and each merge request's changes, commits, author). */
    @WithDefault("5")
    int requestsPerSecond();

    /** Open merge requests a preview evaluates at most; a larger scope is refused (narrow it to projects). */
    @WithDefault("500")
    int maxMergeRequests();

    /**
     * Paths of the groups whose projects and subgroups previews and dry runs may read with policy-gate's GitLab
     * token, e.g. {@code bank/payments,bank/platform}. Unset: only the projects GitLab has confirmed (judged from its
     * facts, or handed over by register).
     * Anything else is refused with 403 before GitLab is asked.
     */
    Optional<List<String>> allowedGroups();
}
