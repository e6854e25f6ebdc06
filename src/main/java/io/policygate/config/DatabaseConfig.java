package io.policygate.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The journal database. Username and password: POLICY_GATE_DB_USERNAME and POLICY_GATE_DB_PASSWORD. */
@ConfigMapping(prefix = "policy-gate.db")
public interface DatabaseConfig {

    /** JDBC URL: jdbc:postgresql://… for PostgreSQL (several replicas), anything else is embedded H2 (one process). */
    @WithDefault("jdbc:h2:file:./data/policy-gate")
    String url();
}
