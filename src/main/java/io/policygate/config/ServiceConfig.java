package io.policygate.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.util.Optional;

/** Service-wide switches that belong to no single concern. */
@ConfigMapping(prefix = "policy-gate")
public interface ServiceConfig {

    /** Evaluate and record everything but post nothing to GitLab (what would be posted is logged). */
    @WithDefault("false")
    boolean dryRun();

    /** The verdict when no policy applies to a merge request. */
    @WithDefault("passed")
    NoPolicyVerdict noPolicyVerdict();

    /**
     * policy-gate's own address as people reach it: merge request notes link to it, and its path (behind a
     * proxy that serves policy-gate under one) starts every link on the pages.
     */
    Optional<URI> publicUrl();
}
