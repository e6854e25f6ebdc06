package io.policygate.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Waivers: the documented, expiring exceptions in the policy folder's waivers/ (docs/policies.md, "Waivers"). */
@ConfigMapping(prefix = "policy-gate.waivers")
public interface WaiversConfig {

    /**
     * The most days a waiver's {@code expires} may be after its {@code approvedOn}; a waiver file that asks for more
     * is an error at load (and a reload keeps the last good set).
     */
    @WithDefault("90")
    int maxDays();

    /** Waivers that expire within this many days are listed on the pages (index and /overview) and in the API. */
    @WithDefault("14")
    int warnDays();
}
