package io.policygate.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Optional;

/** The reconciliation sweep: the safety net for webhooks GitLab never delivered. */
@ConfigMapping(prefix = "policy-gate.reconcile")
public interface ReconcileConfig {

    /** How often one replica sweeps open merge requests, e.g. 10m; "off" disables. */
    @WithDefault("10m")
    String every();

    /** Projects to sweep besides those policy-gate has had webhooks from. */
    Optional<List<Long>> projects();

    /** GitLab calls per second the sweep may make. */
    @WithDefault("5")
    int requestsPerSecond();
}
