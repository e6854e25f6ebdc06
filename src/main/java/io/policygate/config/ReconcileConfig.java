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

    /**
     * How often one replica looks for a change window's edge (a freeze's start or end, business hours opening or
     * closing) that passed, e.g. 30s; the open merge requests its policies concern are then judged again, paced as the
     * sweep. "off" disables.
     */
    @WithDefault("30s")
    String windowsEvery();

    /** Projects to sweep besides those policy-gate has had webhooks from. */
    Optional<List<Long>> projects();

    /** GitLab calls per second the sweep may make. */
    @WithDefault("5")
    int requestsPerSecond();

    /**
     * The share of GitLab's rate limit (RateLimit-Limit, a minute's calls) each sweep spends reading the statuses of
     * open merge requests that did not change, in turn, to find statuses someone else posted: with GitLab.com's
     * 2,000 a minute and a 10-minute sweep, 0.1 reads 2,000 merge requests a sweep. Against a GitLab without rate
     * limits, the share of the sweep's own pace (requests-per-second over the sweep's period).
     */
    @WithDefault("0.1")
    double statusShare();
}
