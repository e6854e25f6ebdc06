package io.policygate.policy.rules;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which environment variables a rule may send, and to which hosts (policy-gate.policies.allowed-secrets): an
 * allow-list the operator writes, so that a policy can neither send a variable nobody meant for it nor send the
 * Jira token to a plug-in's host. Each entry is {@code VARIABLE@host}, the host optionally with its scheme and
 * port ({@code JIRA_TOKEN@https://jira.example.com:8443}); without a port any port of that host matches.
 */
public final class SecretGrants {

    /** No check: the command line, which validates and tests policies without the service's environment. */
    public static final SecretGrants ANY = new SecretGrants(null);

    private record Grant(String variable, String scheme, String host, int port) {
        boolean covers(String name, URI origin) {
            return variable.equals(name)
                    && host.equals(origin.getHost().toLowerCase(Locale.ROOT))
                    && (scheme == null || scheme.equals(origin.getScheme()))
                    && (port == -1 || port == origin.getPort());
        }

        @Override
        public String toString() {
            return (scheme == null ? "" : scheme + "://") + host + (port == -1 ? "" : ":" + port);
        }
    }

    private final List<Grant> grants;

    private SecretGrants(List<Grant> grants) {
        this.grants = grants;
    }

    /**
     * @throws IllegalArgumentException naming the entry that is not {@code VARIABLE@host}
     */
    public static SecretGrants of(List<String> entries) {
        List<Grant> grants = new ArrayList<>();
        for (String entry : entries) {
            int at = entry.indexOf('@');
            String variable = at < 0 ? "" : entry.substring(0, at).trim();
            String where = at < 0 ? "" : entry.substring(at + 1).trim();
            URI uri = where.contains("://") ? URI.create(where) : URI.create("//" + where);
            if (variable.isEmpty() || uri.getHost() == null) {
                throw new IllegalArgumentException("policy-gate.policies.allowed-secrets: '" + entry
                        + "' is not VARIABLE@host, such as JIRA_TOKEN@jira.example.com");
            }
            grants.add(new Grant(
                    variable,
                    uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT),
                    uri.getHost().toLowerCase(Locale.ROOT),
                    uri.getPort()));
        }
        return new SecretGrants(List.copyOf(grants));
    }

    /** Why {@code call} may not send one of its variables, if it may not. */
    public Optional<String> refusal(OutboundCall call) {
        if (grants == null) {
            return Optional.empty();
        }
        URI origin = URI.create(call.origin());
        for (String variable : call.secrets()) {
            if (grants.stream().noneMatch(g -> g.covers(variable, origin))) {
                List<String> where = grants.stream()
                        .filter(g -> g.variable().equals(variable))
                        .map(Grant::toString)
                        .toList();
                return Optional.of(variable + " may not be sent to " + origin.getHost() + ": "
                        + (where.isEmpty()
                                ? "policy-gate.policies.allowed-secrets does not list it (add " + variable + "@"
                                        + origin.getHost() + " if this service is meant to have it)"
                                : "policy-gate.policies.allowed-secrets allows it only to "
                                        + String.join(", ", where)));
            }
        }
        return Optional.empty();
    }
}
