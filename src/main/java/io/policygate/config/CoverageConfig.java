package io.policygate.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * Every merge accounted for: what policy-gate does when a covered project's merge request merged without its pass,
 * and how it judges each covered project's gate posture.
 */
@ConfigMapping(prefix = "policy-gate.coverage")
public interface CoverageConfig {

    /**
     * Whether an ungated merge gets a note on its merge request saying that it merged without policy-gate's pass, and
     * why (it is recorded, counted and logged either way).
     */
    @WithDefault("true")
    boolean noteUngated();

    /** How far back an ungated merge makes a project's gate posture not ok. */
    @WithDefault("30d")
    Duration window();

    /**
     * How often each covered project's gate posture is judged again (two GitLab calls a project: the project and its
     * status checks), spread over the sweeps of that period. With 10,000 projects and 10-minute sweeps, 1h is 1,667
     * projects a sweep, 3,333 calls; a larger installation sets 6h.
     */
    @WithDefault("1h")
    Duration postureEvery();
}
