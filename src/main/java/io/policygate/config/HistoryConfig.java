package io.policygate.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** How long finished evaluations stay in the history. */
@ConfigMapping(prefix = "policy-gate.history")
public interface HistoryConfig {

    /** Finished evaluations older than this are deleted (hourly), with their report attempts. */
    @WithDefault("90d")
    Duration keep();
}
