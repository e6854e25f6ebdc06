package io.policygate.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;

/** Where the policy files live. */
@ConfigMapping(prefix = "policy-gate.policies")
public interface PoliciesConfig {

    /** Folder of *.yaml / *.yml policy files, read at start. */
    @WithDefault("policies")
    Path dir();
}
