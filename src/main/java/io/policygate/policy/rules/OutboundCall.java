package io.policygate.policy.rules;

import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A service a rule calls while it evaluates, and the environment variables whose values it sends there.
 * An impact preview runs a candidate set with policy-gate's environment, so a candidate may make only the
 * calls the policies in force already make (see {@link #coveredBy}).
 *
 * @param field the rule's field that names the service, for errors: "url", "jira.url"
 * @param origin scheme, host and port, e.g. https://jira.example.com:443
 * @param path the URL's path, without a trailing slash ("" for the origin's root)
 * @param secrets the environment variables sent with each call
 * @param ruleType the type of the rule that makes the call; null until the loader knows it ({@link #madeBy})
 */
public record OutboundCall(String field, String origin, String path, List<String> secrets, String ruleType) {

    public OutboundCall {
        secrets = List.copyOf(secrets);
    }

    /** A call to {@code url}'s origin (scheme and host in lower case, the default port made explicit). */
    static OutboundCall to(String field, URI url, String... secrets) {
        String scheme = url.getScheme().toLowerCase(Locale.ROOT);
        int port = url.getPort() != -1 ? url.getPort() : "https".equals(scheme) ? 443 : 80;
        String path = url.getRawPath() == null ? "" : url.getRawPath().replaceAll("/+$", "");
        return new OutboundCall(
                field,
                scheme + "://" + url.getHost().toLowerCase(Locale.ROOT) + ":" + port,
                path,
                Arrays.stream(secrets).filter(Objects::nonNull).toList(),
                null);
    }

    /** This call, made by a rule of {@code type}. */
    public OutboundCall madeBy(String type) {
        return new OutboundCall(field, origin, path, secrets, type);
    }

    /**
     * True when {@code live}, a call the policies in force make, covers this one: a rule of the same type, to the
     * same origin, at the same path or below it, with the same variables. A candidate can then not send a secret
     * the set in force sends to one service to another path of the same host (another tenant of a shared host),
     * nor through another rule type (which sends it in another way).
     */
    public boolean coveredBy(OutboundCall live) {
        return Objects.equals(ruleType, live.ruleType)
                && origin.equals(live.origin)
                && (path.equals(live.path) || path.startsWith(live.path + "/"))
                && secrets.equals(live.secrets);
    }

    @Override
    public String toString() {
        String where = origin + path;
        return secrets.isEmpty() ? where : where + " with " + String.join(", ", secrets);
    }
}
