package io.policygate.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Where the policy files live. */
@ConfigMapping(prefix = "policy-gate.policies")
public interface PoliciesConfig {

    /** Folder of *.yaml / *.yml policy files, read at start. */
    @WithDefault("policies")
    Path dir();

    /**
     * How often the folder is checked for changes, e.g. 10s; "off" disables. A changed set is swapped in
     * only if it is valid as a whole; otherwise the last good set stays in force.
     */
    @WithDefault("10s")
    String reloadEvery();

    /**
     * The environment variables a policy may send to another service, each with the host it may go to:
     * {@code JIRA_TOKEN@jira.example.com,CAB_TOKEN@https://cab.example.com}. A rule that names any other variable
     * (tokenEnv, jira.tokenEnv, jira.userEnv), or sends one elsewhere, is an error at load. Unset: no policy may
     * send any.
     */
    Optional<List<String>> allowedSecrets();
}
