package io.policygate.access;

import io.policygate.config.ConfigurationKeys;
import io.policygate.config.ConfigurationProblems;
import io.policygate.config.WebConfig;
import io.quarkus.runtime.Startup;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The roles of a person signed in through single sign-on, from the groups the identity provider says they are in
 * (policy-gate.web.groups.&lt;role&gt;). Only policy-gate's roles are kept: a group that happens to be called
 * "operator" at the identity provider grants nothing unless it is listed. Token callers never pass here (their
 * roles are configured with the token), and neither do anonymous requests.
 */
@Startup
@ApplicationScoped
public class SignInRoles implements SecurityIdentityAugmentor, ConfigurationProblems {

    private final Map<String, List<String>> groupsOfRole;

    @Inject
    public SignInRoles(WebConfig web) {
        this.groupsOfRole = Map.copyOf(web.groups());
    }

    /** One line for each role configured that does not exist, naming its key and environment variable. */
    @Override
    public List<String> problems() {
        TreeSet<String> unknown = new TreeSet<>(groupsOfRole.keySet());
        unknown.removeAll(Roles.ALL);
        return unknown.stream()
                .map(role -> ConfigurationKeys.named("policy-gate.web.groups." + role)
                        + ": there is no such role; the roles are " + String.join(", ", Roles.ALL))
                .toList();
    }

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        if (identity.isAnonymous()) {
            return Uni.createFrom().item(identity);
        }
        Set<String> granted = new LinkedHashSet<>();
        groupsOfRole.forEach((role, groups) -> {
            if (groups.stream().anyMatch(identity.getRoles()::contains)) {
                granted.add(role);
            }
        });
        return Uni.createFrom()
                .item(QuarkusSecurityIdentity.builder()
                        .setPrincipal(identity.getPrincipal())
                        .addCredentials(identity.getCredentials())
                        .addAttributes(identity.getAttributes())
                        .addRoles(Roles.withIncluded(granted))
                        .build());
    }
}
