package io.policygate.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The journal database. Username and password: POLICY_GATE_DB_USERNAME and POLICY_GATE_DB_PASSWORD. */
@ConfigMapping(prefix = "policy-gate.db")
public interface DatabaseConfig {

    /** JDBC URL: jdbc:postgresql://… for PostgreSQL (several replicas), anything else is embedded H2 (one process). */
    @WithDefault("jdbc:h2:file:./data/policy-gate")
    String url();

    /**
     * How often policy-gate writes to its journal to know it can (readiness does too, at each of its probes). A
     * write that fails makes readiness DOWN at once; an embedded H2 journal whose store was closed is opened again.
     */
    @WithDefault("10s")
    Duration checkEvery();

    /**
     * How long the journal may stay unwritable before liveness says DOWN too, so that Kubernetes restarts the pod:
     * a database that came back, or a store that opens again after a restart, takes webhooks again.
     */
    @WithDefault("60s")
    Duration unwritableFor();
}
