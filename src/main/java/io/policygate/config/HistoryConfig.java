package io.policygate.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** How long finished evaluations stay in the history. */
@ConfigMapping(prefix = "policy-gate.history")
public interface HistoryConfig {

    /** Finished evaluations older than this are deleted, with their report attempts; previews too. */
    @WithDefault("90d")
    Duration keep();

    /** How often that deletion runs, starting at start-up: a replica restarted often still prunes. */
    @WithDefault("1h")
    Duration pruneEvery();
}
