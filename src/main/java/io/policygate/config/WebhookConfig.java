package io.policygate.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** How incoming webhooks are authenticated and bounded. */
@ConfigMapping(prefix = "policy-gate.webhook")
public interface WebhookConfig {

    /** Shared secret: the HMAC key of X-Gitlab-Signature, or the expected X-Gitlab-Token. */
    Optional<String> secret();

    /**
     * The signing token of GitLab's signed project webhooks ({@code whsec_<base64 key>}): their
     * {@code webhook-signature} is checked with it, and their {@code webhook-id} must not come twice.
     */
    Optional<String> signingToken();

    /**
     * Accept webhooks that carry neither signature nor token: anyone who reaches policy-gate could then have any
     * merge request evaluated. Meant for dev mode, where it is the default; anywhere else policy-gate refuses to
     * start with it unless {@link #allowUnsignedOutsideDevMode()} says so too.
     */
    @WithDefault("false")
    boolean allowUnsigned();

    /**
     * The second, explicit setting that allow-unsigned needs outside dev mode (a test installation with no
     * secret, say): without it a copied development configuration cannot open the webhook in production.
     */
    @WithDefault("false")
    boolean allowUnsignedOutsideDevMode();

    /**
     * Largest accepted body; larger requests get 413. GitLab encodes status-check bodies up to 25 MB (LimitedEncoder,
     * ee/app/services/external_status_checks/dispatch_service.rb) and never retries a refusal.
     */
    @WithDefault("25M")
    MemorySize maxBodySize();

    /**
     * The longest a webhook's body may take to arrive; then its connection is closed. GitLab's HTTP client gives
     * itself 30 seconds to write a request (Gitlab::HTTP's write_timeout), so a body from GitLab is in well before.
     */
    @WithDefault("30s")
    Duration bodyTimeout();

    /**
     * The slowest a webhook's body may arrive, in bytes per second on average, once it has taken more than two
     * seconds: a slower one is answered 408 and its connection closed (closed at once when nothing more arrives). A
     * client that trickles a body, or sends none, holds a thread while it does, so it is cut off long before
     * {@link #bodyTimeout()}; a body that arrives whole, however late, is never refused for it.
     */
    @WithDefault("16K")
    MemorySize minBodyRate();

    /**
     * A merge request's status check is evaluated at most once in this time, however many webhooks for it arrive:
     * replays of one body, or bursts of edits, cost one evaluation per period.
     */
    @WithDefault("2s")
    Duration coalesce();

    /**
     * The addresses GitLab's status checks call policy-gate at. policy-gate posts a verdict only to a check whose
     * external_url is one of them (where GitLab shows it). Default: policy-gate.public-url + /webhooks/gitlab.
     */
    Optional<List<URI>> urls();
}
