package io.policygate.policy.rules;

import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A service a rule calls while it evaluates, and the environment variables whose values it sends there.
 * An impact preview runs a candidate set with policy-gate's environment, so a candidate may make only the
 * calls the policies in force already make (see {@link #sameAs}).
 *
 * @param field the rule's field that names the service, for errors: "url", "jira.url"
 * @param origin scheme, host and port, e.g. https://jira.example.com:443
 * @param secrets the environment variables sent with each call
 */
public record OutboundCall(String field, String origin, List<String> secrets) {

    public OutboundCall {
        secrets = List.copyOf(secrets);
    }

    /** A call to {@code url}'s origin (scheme and host in lower case, the default port made explicit). */
    static OutboundCall to(String field, URI url, String... secrets) {
        String scheme = url.getScheme().toLowerCase(Locale.ROOT);
        int port = url.getPort() != -1 ? url.getPort() : "https".equals(scheme) ? 443 : 80;
        return new OutboundCall(
                field,
                scheme + "://" + url.getHost().toLowerCase(Locale.ROOT) + ":" + port,
                Arrays.stream(secrets).filter(Objects::nonNull).toList());
    }

    /** True when both reach the same origin with the same variables, whatever field names them. */
    public boolean sameAs(OutboundCall other) {
        return origin.equals(other.origin) && secrets.equals(other.secrets);
    }

    @Override
    public String toString() {
        return secrets.isEmpty() ? origin : origin + " with " + String.join(", ", secrets);
    }
}
