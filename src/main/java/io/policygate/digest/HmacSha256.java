package io.policygate.digest;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC-SHA256, as GitLab signs what it sends and checks what it is sent: webhooks, external controls. */
public final class HmacSha256 {

    private HmacSha256() {}

    /** A MAC keyed with {@code key}, to be fed a message in parts. */
    public static Mac mac(byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    /** The HMAC of {@code message} with {@code key} (both UTF-8), in lower-case hex. */
    public static String hex(String key, String message) {
        return HexFormat.of()
                .formatHex(mac(key.getBytes(StandardCharsets.UTF_8)).doFinal(message.getBytes(StandardCharsets.UTF_8)));
    }
}
