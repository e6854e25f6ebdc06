package io.policygate.config;

import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.quarkus.runtime.configuration.MemorySize;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * Refuses to start on a configuration that would fail later or run unsafely, with one line per
 * problem naming the key and its environment variable.
 */
@ApplicationScoped
public class StartupConfigurationCheck {

    private static final Logger LOG = Logger.getLogger(StartupConfigurationCheck.class);

    private static final String PREFIX = "policy-gate.";
    private static final String ENV_PREFIX = "POLICY_GATE_";

    /** The variables Kubernetes derives from a Service named policy-gate (enableServiceLinks). */
    private static final Pattern SERVICE_LINK = Pattern.compile("POLICY_GATE_(SERVICE_HOST|SERVICE_PORT.*|PORT(_.*)?)");

    /** Read by application.properties (the database's user) and by the commands (the service's address). */
    private static final Set<String> READ_ELSEWHERE =
            Set.of("POLICY_GATE_DB_USERNAME", "POLICY_GATE_DB_PASSWORD", "POLICY_GATE_URL");

    /** The HTTP server's limit on any request body; beyond it the server refuses before policy-gate reads. */
    static final String SERVER_BODY_LIMIT = "quarkus.http.limits.max-body-size";

    void onStart(
            @Observes @Priority(1) StartupEvent start,
            ServiceConfig service,
            GitLabConfig gitlab,
            WebhookConfig webhook,
            WebConfig web,
            Instance<ConfigurationProblems> owners) {
        boolean devMode = LaunchMode.current() == LaunchMode.DEVELOPMENT;
        if (web.open() && !devMode) {
            LOG.warn("policy-gate.web.open=true: the pages, with the merge request titles and policy findings of every"
                    + " project, are served to anyone who can reach policy-gate, without signing in");
        }
        List<String> problems = problems(
                service,
                gitlab,
                webhook,
                devMode,
                ConfigProvider.getConfig()
                        .getValue(SERVER_BODY_LIMIT, MemorySize.class)
                        .asLongValue());
        problems.addAll(unknownKeys(ConfigProvider.getConfig()));
        owners.forEach(owner -> problems.addAll(owner.problems()));
        for (String variable : System.getenv().keySet()) {
            unknownVariable(variable).ifPresent(LOG::warn);
        }
        if (!problems.isEmpty()) {
            // A ConfigurationException is printed as its message alone, as plain text on stderr, and stops the start.
            throw new ConfigurationException("policy-gate cannot start:\n  " + String.join("\n  ", problems));
        }
    }

    /**
     * A {@code policy-gate.*} key that maps to nothing is refused, with the key meant: a misspelt
     * {@code policy-gate.report.comment} would otherwise leave the default in force unnoticed.
     * ({@code smallrye.config.mapping.validate-unknown=false} leaves this check to us, so that it can say more
     * than "does not map to any root".)
     */
    static List<String> unknownKeys(Config config) {
        List<String> problems = new ArrayList<>();
        for (String name : config.getPropertyNames()) {
            if (name.startsWith(PREFIX) && !ConfigurationKeys.exists(name)) {
                problems.add(name + " (" + whereSet(config.getConfigValue(name).getSourceName())
                        + ") is not a policy-gate key"
                        + ConfigurationKeys.closest(name)
                                .map(key -> "; did you mean " + key + "?")
                                .orElse("; every key is listed in docs/reference.md"));
            }
        }
        return problems;
    }

    /** Where a key was set, as the person who set it would say it. */
    private static String whereSet(String source) {
        if (source == null) {
            return "set";
        }
        if (source.startsWith("SysPropConfigSource")) {
            return "a -D system property";
        }
        return "in " + source.replaceFirst("^PropertiesConfigSource\\[source=(.*)]$", "$1");
    }

    /**
     * A {@code POLICY_GATE_*} environment variable that is no key's: a warning, not a refusal, since Kubernetes gives
     * every pod variables named after each Service ({@code POLICY_GATE_SERVICE_HOST}, {@code POLICY_GATE_PORT_8080_TCP},
     * ...) and other tools may share the prefix.
     */
    static Optional<String> unknownVariable(String variable) {
        if (!variable.startsWith(ENV_PREFIX)
                || SERVICE_LINK.matcher(variable).matches()
                || READ_ELSEWHERE.contains(variable)
                || ConfigurationKeys.existsAsVariable(variable)) {
            return Optional.empty();
        }
        return Optional.of("Environment variable " + variable + " is no policy-gate key's"
                + ConfigurationKeys.closestVariable(variable)
                        .map(key -> "; did you mean " + ConfigurationKeys.environmentVariable(key) + " (" + key + ")?")
                        .orElse(" and is ignored"));
    }

    static List<String> problems(
            ServiceConfig service, GitLabConfig gitlab, WebhookConfig webhook, boolean devMode, long serverBodyLimit) {
        List<String> problems = new ArrayList<>();
        if (webhook.allowUnsigned() && !devMode && !webhook.allowUnsignedOutsideDevMode()) {
            problems.add("policy-gate.webhook.allow-unsigned (POLICY_GATE_WEBHOOK_ALLOW_UNSIGNED) is true outside dev"
                    + " mode: anyone who reaches policy-gate could have any merge request evaluated. Set the webhook's"
                    + " secret instead, or, if this is intended, also set"
                    + " policy-gate.webhook.allow-unsigned-outside-dev-mode=true");
        }
        if (webhook.maxBodySize().asLongValue() > serverBodyLimit) {
            problems.add("policy-gate.webhook.max-body-size (POLICY_GATE_WEBHOOK_MAX_BODY_SIZE) is "
                    + webhook.maxBodySize().asLongValue() + " bytes, more than the server takes in any request ("
                    + SERVER_BODY_LIMIT + ", " + serverBodyLimit + " bytes): raise that one too, to twice the"
                    + " webhook's limit so that a client writing a larger body still reads the 413");
        }
        if (webhook.secret().filter(s -> !s.isEmpty()).isEmpty()
                && webhook.signingToken().filter(s -> !s.isBlank()).isEmpty()
                && !webhook.allowUnsigned()) {
            problems.add(
                    "policy-gate.webhook.secret (POLICY_GATE_WEBHOOK_SECRET) is not set: set it to the status"
                            + " check's shared secret, or set policy-gate.webhook.allow-unsigned=true for local development only");
        }
        webhook.signingToken()
                .filter(s -> !s.isBlank())
                .flatMap(StartupConfigurationCheck::whyNotASigningToken)
                .ifPresent(why -> problems.add("policy-gate.webhook.signing-token (POLICY_GATE_WEBHOOK_SIGNING_TOKEN) "
                        + why + ": it is the webhook's signing token as GitLab shows it, whsec_ followed by base64"));
        service.publicUrl()
                .flatMap(StartupConfigurationCheck::whyNotAnAddress)
                .ifPresent(
                        why -> problems.add(
                                "policy-gate.public-url (POLICY_GATE_PUBLIC_URL) " + why
                                        + ": it is policy-gate's address as people"
                                        + " reach it, such as https://policy-gate.example.com or https://tools.example.com/policy-gate"));
        if (!service.dryRun()) {
            if (gitlab.url().isEmpty()) {
                problems.add("policy-gate.gitlab.url (POLICY_GATE_GITLAB_URL) is required unless"
                        + " policy-gate.dry-run=true");
            } else if (!isHttp(gitlab.url().get())) {
                problems.add("policy-gate.gitlab.url (POLICY_GATE_GITLAB_URL) must be an http(s) URL such as"
                        + " https://gitlab.example.com");
            }
            if (gitlab.token().filter(t -> !t.isEmpty()).isEmpty()) {
                problems.add("policy-gate.gitlab.token (POLICY_GATE_GITLAB_TOKEN) is required unless"
                        + " policy-gate.dry-run=true");
            }
        }
        return problems;
    }

    /** What keeps a signing token from being one, if anything; the token itself is never echoed. */
    private static Optional<String> whyNotASigningToken(String token) {
        try {
            SigningTokens.key(token);
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** What keeps {@code url} from being an address a person can follow, if anything. */
    private static Optional<String> whyNotAnAddress(URI url) {
        if (url.getRawUserInfo() != null) {
            // Not echoed: the user part may hold a password.
            return Optional.of("must not contain a user or password");
        }
        if (!isHttpScheme(url)) {
            return Optional.of("must start with https:// or http://, not '" + url + "'");
        }
        if (url.getHost() == null) {
            return Optional.of("has no valid host name (letters, digits, dots and hyphens) in '" + url + "'");
        }
        if (url.getRawQuery() != null || url.getRawFragment() != null) {
            return Optional.of("must not have a query or fragment, as in '" + url + "'");
        }
        return Optional.empty();
    }

    private static boolean isHttp(URI url) {
        return isHttpScheme(url) && url.getHost() != null;
    }

    private static boolean isHttpScheme(URI url) {
        return List.of("http", "https").contains(String.valueOf(url.getScheme()));
    }
}
