package io.policygate.config;

import io.smallrye.config.ConfigMapping;
import java.util.Optional;

/** Access to /api/v1/*. */
@ConfigMapping(prefix = "policy-gate.api")
public interface ApiConfig {

    /** Bearer token for /api/v1/*; without one the API answers 401 to everyone. */
    Optional<String> token();
}
