package io.policygate.config;

import java.util.Base64;

/** GitLab's webhook signing tokens, as its settings show them: {@code whsec_} and a base64 key. */
public final class SigningTokens {

    private static final String PREFIX = "whsec_";

    private SigningTokens() {}

    /**
     * The key of a signing token.
     *
     * @throws IllegalArgumentException saying what is wrong with it (never quoting it)
     */
    public static byte[] key(String token) {
        String trimmed = token.strip();
        if (!trimmed.startsWith(PREFIX)) {
            throw new IllegalArgumentException("does not start with " + PREFIX);
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(trimmed.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("is not base64 after " + PREFIX);
        }
        if (key.length == 0) {
            throw new IllegalArgumentException("holds no key after " + PREFIX);
        }
        return key;
    }
}
