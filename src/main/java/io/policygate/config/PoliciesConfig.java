package io.policygate.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Where the policy files live: a folder (the default), or a GitLab repository at a commit. */
@ConfigMapping(prefix = "policy-gate.policies")
public interface PoliciesConfig {

    /** Folder of *.yaml / *.yml policy files, read at start; not read when a repository is set. */
    @WithDefault("policies")
    Path dir();

    /**
     * A GitLab project (its path, such as compliance/policies, or its id) to read the policy files from, at the
     * commit {@link #ref()} names, instead of {@link #dir()}; read with policy-gate.gitlab.token.
     */
    Optional<String> repository();

    /** The branch, tag or commit of the repository whose files are in force; default: its default branch. */
    Optional<String> ref();

    /** The repository's folder that holds the policy files (and their waivers/); default: its root. */
    Optional<String> path();

    /**
     * Read from a repository, a waiver counts only when the person its approvedBy names approved the merge request
     * that brought its file in (GitLab's approvals); false trusts approvedBy as written.
     */
    @WithDefault("true")
    boolean waiverApprovals();

    /**
     * How often the folder, or the repository's ref (one call to GitLab), is checked for changes, e.g. 10s; "off"
     * disables. A changed set is swapped in only if it is valid as a whole; otherwise the last good set stays in
     * force.
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
