package io.policygate.gitlab;

import io.policygate.policy.DataUnavailableException;
import java.time.Duration;

/**
 * A read GitLab answered with 429 (too many requests) at its last try: GitLab's rate limit, which
 * {@link GitLabBudget} waits out, not a failure of GitLab. {@code retryAfter} is GitLab's hint, or null.
 */
public class RateLimitedRead extends DataUnavailableException {

    private final transient Duration retryAfter;

    RateLimitedRead(String message, Duration retryAfter) {
        super(message);
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
