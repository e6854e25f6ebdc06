package io.policygate.config;

import io.smallrye.config.ConfigMapping;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Who may call /api/v1/* (and, without single sign-on, read the pages): named tokens with their roles. */
@ConfigMapping(prefix = "policy-gate.api")
public interface ApiConfig {

    /**
     * One token with every role, for a one-person set-up. Kept for existing installations; with more than one
     * person or system calling policy-gate, use {@link #tokens()} so that each can be given less and revoked alone.
     */
    Optional<String> token();

    /**
     * Named tokens, policy-gate.api.tokens.&lt;name&gt;.sha256 and .roles, e.g. {@code ci} with role previewer
     * for the policy repository's CI and {@code dashboard} with role viewer. Only the token's SHA-256 is
     * configured, never the token.
     */
    Map<String, NamedToken> tokens();

    interface NamedToken {

        /** Hex SHA-256 of the token, e.g. the output of {@code printf %s "$TOKEN" | sha256sum}. */
        String sha256();

        /** viewer, previewer or operator; each includes the ones before it in that list. */
        Set<String> roles();
    }
}
