package io.policygate.web;

import io.policygate.config.ServiceConfig;
import io.policygate.config.WebhookConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * policy-gate's own webhook addresses: a status check is policy-gate's when GitLab calls one of them
 * (policy-gate.webhook.urls, or policy-gate.public-url + /webhooks/gitlab).
 */
@ApplicationScoped
public class WebhookUrls {

    private static final Logger LOG = Logger.getLogger(WebhookUrls.class);

    private final List<URI> urls;

    @Inject
    public WebhookUrls(WebhookConfig webhook, PagePaths paths) {
        this.urls = webhook.urls()
                .map(List::copyOf)
                .orElseGet(() -> paths.address("/webhooks/gitlab").map(List::of).orElse(List.of()));
    }

    void onStart(@Observes StartupEvent start, ServiceConfig service) {
        if (urls.isEmpty() && !service.dryRun()) {
            LOG.warn("Neither policy-gate.webhook.urls nor policy-gate.public-url is set: policy-gate cannot tell its"
                    + " own status checks from another service's, and posts to any check a webhook names that GitLab"
                    + " applies to the merge request. Set policy-gate.public-url (POLICY_GATE_PUBLIC_URL).");
        }
    }

    /** The addresses, as configured; empty when neither key is set. */
    public List<URI> all() {
        return urls;
    }

    /**
     * True when a check's {@code external_url} is one of the addresses. GitLab shows it without its query
     * (ee/lib/api/entities/merge_requests/status_check.rb), so queries are left out of the comparison; scheme
     * and host are compared without case, a default port and a trailing slash do not count.
     */
    public boolean isOurs(String externalUrl) {
        Optional<String> theirs = normal(externalUrl);
        return theirs.isPresent()
                && urls.stream().map(URI::toString).map(WebhookUrls::normal).anyMatch(theirs::equals);
    }

    private static Optional<String> normal(String url) {
        try {
            URI uri = new URI(url.trim());
            if (uri.getScheme() == null || uri.getHost() == null) {
                return Optional.empty();
            }
            String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
            int port = uri.getPort();
            boolean defaultPort =
                    port == -1 || (scheme.equals("https") && port == 443) || (scheme.equals("http") && port == 80);
            String path = uri.getRawPath() == null ? "" : uri.getRawPath().replaceAll("/+$", "");
            return Optional.of(
                    scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port) + path);
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }
}
