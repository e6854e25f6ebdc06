package io.policygate.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** How verdicts are reported to GitLab when it does not take them at once. */
@ConfigMapping(prefix = "policy-gate.report")
public interface ReportConfig {

    /** Delay before the first retry; it doubles (with jitter) on every further attempt. */
    @WithDefault("1s")
    Duration backoff();

    /** Upper bound of the delay between two attempts. */
    @WithDefault("5m")
    Duration maxBackoff();

    /** How long after intake a verdict is still retried before it is dead-lettered. */
    @WithDefault("24h")
    Duration retryFor();

    /** When the merge request gets a note with the reasons: never, on-failure or always. */
    @WithDefault("on-failure")
    CommentMode comment();
}
