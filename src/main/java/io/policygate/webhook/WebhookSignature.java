package io.policygate.webhook;

import io.policygate.config.SigningTokens;
import io.policygate.config.WebhookConfig;
import io.policygate.digest.HmacSha256;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.function.Function;
import javax.crypto.Mac;

/**
 * Decides whether a webhook comes from GitLab. Status checks (GitLab 17.3+) sign the raw body:
 * {@code X-Gitlab-Signature: hex(HMAC-SHA256(secret, body))}; plain project webhooks send the secret
 * itself as {@code X-Gitlab-Token}, with its line breaks removed (GitLab strips them from header values). Both
 * comparisons take constant time. A secret read from a file (a mounted Kubernetes Secret) often ends with a line
 * break that was never part of the secret pasted into GitLab: trailing line breaks of the configured secret do not
 * count.
 *
 * <p>Newer GitLab can also sign plain project webhooks the Standard Webhooks way, with a signing token
 * ({@code whsec_<base64 key>}): {@code webhook-signature: v1,<base64 HMAC-SHA256(key, id.timestamp.body)>}, with
 * {@code webhook-id} (GitLab's Idempotency-Key, the same on GitLab's own retries) and {@code webhook-timestamp}.
 * They are the only GitLab webhooks a replay can be told apart from: a timestamp more than five minutes off is
 * refused here, a repeated id by the journal ({@link io.policygate.journal.JobQueue#enqueue}).
 */
@ApplicationScoped
public class WebhookSignature {

    /** How far a signed webhook's timestamp may be from the clock (the Standard Webhooks tolerance). */
    static final Duration TOLERANCE = Duration.ofMinutes(5);

    /** What the headers of one request carry. Null where a header is absent. */
    public record Credentials(
            String gitlabSignature,
            String gitlabToken,
            String webhookId,
            String webhookTimestamp,
            String webhookSignature) {}

    /** The decision: accepted (with the delivery id a signed webhook carries), or refused and why. */
    public sealed interface Decision {}

    /** {@code deliveryId}: the webhook-id of a Standard Webhooks signature, which must not come twice. */
    public record Accepted(Optional<String> deliveryId) implements Decision {}

    public record Refused(String reason) implements Decision {}

    /** The HMAC key: the configured secret without trailing line breaks. */
    private final Optional<byte[]> secret;
    /** What GitLab sends as X-Gitlab-Token: the secret without any line break. */
    private final Optional<byte[]> token;

    private final Optional<byte[]> signingKey;
    private final boolean allowUnsigned;
    private final Clock clock;

    @Inject
    public WebhookSignature(WebhookConfig config, Clock clock) {
        this(
                config.secret().filter(s -> !s.isEmpty()),
                config.signingToken().filter(s -> !s.isBlank()),
                config.allowUnsigned(),
                clock);
    }

    WebhookSignature(Optional<String> secret, Optional<String> signingToken, boolean allowUnsigned, Clock clock) {
        this.secret = secret.map(s -> s.replaceAll("[\\r\\n]+$", "").getBytes(StandardCharsets.UTF_8));
        this.token = secret.map(s -> s.replaceAll("[\\r\\n]", "").getBytes(StandardCharsets.UTF_8));
        this.signingKey = signingToken.map(SigningTokens::key);
        this.allowUnsigned = allowUnsigned;
        this.clock = clock;
    }

    /** The decision on a whole body at hand. */
    public Decision check(byte[] body, Credentials credentials) {
        Check check = begin(credentials);
        check.update(body, 0, body.length);
        return check.decision();
    }

    /**
     * The check of one request, to be fed its body as it is read ({@link Check#update}): a body is never needed in
     * memory whole to be checked.
     */
    public Check begin(Credentials credentials) {
        if (signingKey.isPresent() && present(credentials.webhookSignature())) {
            return standardWebhook(credentials);
        }
        if (secret.isPresent() && present(credentials.gitlabSignature())) {
            return hmacOfBody(
                    secret.get(),
                    credentials.gitlabSignature(),
                    "X-Gitlab-Signature is not the HMAC of this body with the webhook secret");
        }
        if (token.isPresent() && present(credentials.gitlabToken())) {
            Decision decision =
                    MessageDigest.isEqual(token.get(), credentials.gitlabToken().getBytes(StandardCharsets.UTF_8))
                            ? accepted()
                            : new Refused("X-Gitlab-Token is not the webhook secret");
            return new Check(null, unsigned -> decision);
        }
        Decision decision = allowUnsigned
                ? accepted()
                : new Refused("missing X-Gitlab-Signature, X-Gitlab-Token or webhook-signature: the webhook is not"
                        + " signed with a secret policy-gate knows");
        return new Check(null, unsigned -> decision);
    }

    /** One request's check: the body goes through {@link #update}, then {@link #decision} says. */
    public static final class Check {
        private final Mac mac;
        private final Function<byte[], Decision> decide;

        private Check(Mac mac, Function<byte[], Decision> decide) {
            this.mac = mac;
            this.decide = decide;
        }

        public void update(byte[] bytes, int offset, int length) {
            if (mac != null) {
                mac.update(bytes, offset, length);
            }
        }

        /**
         * True when the answer is a refusal whatever the body holds (no signature to compute, and the headers are
         * missing or wrong): the body need not be read.
         */
        public boolean refusedWhateverTheBody() {
            return mac == null && decide.apply(null) instanceof Refused;
        }

        /** Once the whole body went through {@link #update}. */
        public Decision decision() {
            return decide.apply(mac == null ? null : mac.doFinal());
        }
    }

    private static Accepted accepted() {
        return new Accepted(Optional.empty());
    }

    private static boolean present(String header) {
        return header != null && !header.isBlank();
    }

    private Check standardWebhook(Credentials credentials) {
        String id = credentials.webhookId();
        if (!present(id) || id.length() > 200) {
            return refused("webhook-id is missing or longer than 200 characters");
        }
        long seconds;
        try {
            seconds = Long.parseLong(
                    String.valueOf(credentials.webhookTimestamp()).trim());
        } catch (NumberFormatException e) {
            return refused("webhook-timestamp is not a number of seconds");
        }
        Duration off = Duration.between(Instant.ofEpochSecond(seconds), clock.instant())
                .abs();
        if (off.compareTo(TOLERANCE) > 0) {
            return refused("webhook-timestamp is " + off.toSeconds() + " s away from policy-gate's clock (at most "
                    + TOLERANCE.toSeconds() + " s): an old webhook replayed, or a clock to fix");
        }
        Mac mac = HmacSha256.mac(signingKey.get());
        mac.update((id + "." + seconds + ".").getBytes(StandardCharsets.UTF_8));
        String entries = credentials.webhookSignature().trim();
        return new Check(mac, expected -> {
            // Space-separated "v1,<base64>" entries: one that matches is enough (a sender rotating keys signs twice).
            for (String entry : entries.split("\\s+")) {
                if (entry.startsWith("v1,")) {
                    try {
                        if (MessageDigest.isEqual(expected, Base64.getDecoder().decode(entry.substring(3)))) {
                            return new Accepted(Optional.of(id));
                        }
                    } catch (IllegalArgumentException notBase64) {
                        // another entry may still match
                    }
                }
            }
            return new Refused("webhook-signature is not this webhook's signature with the signing token");
        });
    }

    /**
     * The check of a body against {@code hexSignature}, hex(HMAC-SHA256(key, body)) as GitLab signs status-check
     * requests and external-control requests; refused with {@code refusal} otherwise.
     */
    static Check hmacOfBody(byte[] key, String hexSignature, String refusal) {
        byte[] given;
        try {
            given = HexFormat.of().parseHex(hexSignature.trim());
        } catch (IllegalArgumentException notHex) {
            given = new byte[0];
        }
        byte[] expected = given;
        return new Check(
                HmacSha256.mac(key),
                signature -> MessageDigest.isEqual(signature, expected) ? accepted() : new Refused(refusal));
    }

    static Check refused(String reason) {
        Refused refused = new Refused(reason);
        return new Check(null, unsigned -> refused);
    }

    static byte[] hmac(byte[] key, byte[] body) {
        return HmacSha256.mac(key).doFinal(body);
    }
}
