package io.policygate.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Map;

/** The web pages (/, /evaluations/{id}, /preview) and who may read them. */
@ConfigMapping(prefix = "policy-gate.web")
public interface WebConfig {

    /**
     * Serve the pages to anyone who can reach them, without signing in. Off by default: they show merge request
     * titles and policy findings of every project. An explicit choice, warned about at every start; the API
     * stays closed.
     */
    @WithDefault("false")
    boolean open();

    /**
     * Sign people in to the pages through an OpenID Connect issuer (GitLab itself, or the company's identity
     * provider), set with quarkus.oidc.auth-server-url, quarkus.oidc.client-id and quarkus.oidc.credentials.secret.
     * API tokens keep working beside it, for programs and as the pages' Basic password.
     */
    @WithDefault("false")
    boolean singleSignOn();

    /**
     * Single sign-on: the groups (values of the claim named by quarkus.oidc.roles.role-claim-path, for GitLab as
     * issuer {@code groups_direct}) whose members get each role, e.g. {@code policy-gate.web.groups.viewer=bank}
     * and {@code policy-gate.web.groups.operator=bank/compliance}. A signed-in person in none of them may read
     * nothing.
     */
    Map<String, List<String>> groups();
}
