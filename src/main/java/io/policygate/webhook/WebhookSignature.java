package io.policygate.webhook;

import io.policygate.config.WebhookConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Decides whether a webhook comes from GitLab. Status checks (GitLab 17.3+) sign the raw body:
 * {@code X-Gitlab-Signature: hex(HMAC-SHA256(secret, body))}; plain project webhooks send the secret
 * itself as {@code X-Gitlab-Token}, with its line breaks removed (GitLab strips them from header values). Both
 * comparisons take constant time. A secret read from a file (a mounted Kubernetes Secret) often ends with a line
 * break that was never part of the secret pasted into GitLab: trailing line breaks of the configured secret do not
 * count.
 */
@ApplicationScoped
public class WebhookSignature {

    /** The HMAC key: the configured secret without trailing line breaks. */
    private final Optional<byte[]> secret;
    /** What GitLab sends as X-Gitlab-Token: the secret without any line break. */
    private final Optional<byte[]> token;
    private final boolean allowUnsigned;

    @Inject
    public WebhookSignature(WebhookConfig config) {
        this(config.secret().filter(s -> !s.isEmpty()), config.allowUnsigned());
    }

    WebhookSignature(Optional<String> secret, boolean allowUnsigned) {
        this.secret = secret.map(s -> s.replaceAll("[\\r\\n]+$", "").getBytes(StandardCharsets.UTF_8));
        this.token = secret.map(s -> s.replaceAll("[\\r\\n]", "").getBytes(StandardCharsets.UTF_8));
        this.allowUnsigned = allowUnsigned;
    }

    public boolean accepts(byte[] body, String signature, String token) {
        if (secret.isEmpty()) {
            // Start-up refuses to run without a secret unless allow-unsigned is set.
            return allowUnsigned;
        }
        if (signature != null && !signature.isEmpty()) {
            return signatureMatches(body, signature.trim());
        }
        if (token != null && !token.isEmpty()) {
            return MessageDigest.isEqual(this.token.get(), token.getBytes(StandardCharsets.UTF_8));
        }
        return allowUnsigned;
    }

    private boolean signatureMatches(byte[] body, String signature) {
        byte[] given;
        try {
            given = HexFormat.of().parseHex(signature);
        } catch (IllegalArgumentException notHex) {
            return false;
        }
        return MessageDigest.isEqual(hmac(secret.get(), body), given);
    }

    static byte[] hmac(byte[] key, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JRE", e);
        }
    }
}
