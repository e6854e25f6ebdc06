package io.policygate.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Every merge accounted for: what policy-gate does when a covered project's merge request merged without its pass. */
@ConfigMapping(prefix = "policy-gate.coverage")
public interface CoverageConfig {

    /**
     * Whether an ungated merge gets a note on its merge request saying that it merged without policy-gate's pass, and
     * why (it is recorded, counted and logged either way).
     */
    @WithDefault("true")
    boolean noteUngated();
}
