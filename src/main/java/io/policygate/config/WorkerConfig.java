package io.policygate.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The threads that take jobs from the journal. */
@ConfigMapping(prefix = "policy-gate.worker")
public interface WorkerConfig {

    /** Jobs processed in parallel by this process. */
    @WithDefault("4")
    int threads();

    /** How often an idle worker looks for due jobs (new jobs wake it at once). */
    @WithDefault("1s")
    Duration pollInterval();

    /** How long a claimed job stays reserved to this process before another may take it. */
    @WithDefault("2m")
    Duration lease();

    /** On shutdown, how long in-flight jobs may take to finish their step before their leases are released. */
    @WithDefault("10s")
    Duration shutdownGrace();
}
