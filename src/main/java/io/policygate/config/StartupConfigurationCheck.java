package io.policygate.config;

import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.MemorySize;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * Refuses to start on a configuration that would fail later or run unsafely, with one line per
 * problem naming the key and its environment variable.
 */
@ApplicationScoped
public class StartupConfigurationCheck {

    private static final Logger LOG = Logger.getLogger(StartupConfigurationCheck.class);

    /** The HTTP server's limit on any request body; beyond it the server refuses before policy-gate reads. */
    static final String SERVER_BODY_LIMIT = "quarkus.http.limits.max-body-size";

    void onStart(
            @Observes @Priority(1) StartupEvent start,
            ServiceConfig service,
            GitLabConfig gitlab,
            WebhookConfig webhook,
            WebConfig web) {
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
        if (!problems.isEmpty()) {
            throw new IllegalStateException("policy-gate cannot start:\n  " + String.join("\n  ", problems));
        }
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
