package io.policygate.access;

import io.policygate.config.ApiConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;

/**
 * policy-gate.api.token, checked in constant time. The API takes it as a Bearer token; the pages also take
 * it as the password of HTTP Basic, which every browser asks for without any script.
 */
@ApplicationScoped
public class AccessToken {

    private final Optional<byte[]> token;

    @Inject
    public AccessToken(ApiConfig config) {
        this.token = config.token().filter(t -> !t.isEmpty()).map(t -> t.getBytes(StandardCharsets.UTF_8));
    }

    public boolean configured() {
        return token.isPresent();
    }

    /** True for {@code Bearer <token>}. */
    public boolean acceptsBearer(String authorization) {
        return matches(credential(authorization, "Bearer "));
    }

    /** True for {@code Bearer <token>} or {@code Basic} with any user name and the token as password. */
    public boolean acceptsBearerOrBasic(String authorization) {
        if (acceptsBearer(authorization)) {
            return true;
        }
        String basic = credential(authorization, "Basic ");
        if (basic == null) {
            return false;
        }
        try {
            String pair = new String(Base64.getDecoder().decode(basic), StandardCharsets.UTF_8);
            int colon = pair.indexOf(':');
            return colon >= 0 && matches(pair.substring(colon + 1));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private boolean matches(String given) {
        return token.isPresent()
                && given != null
                && MessageDigest.isEqual(token.get(), given.getBytes(StandardCharsets.UTF_8));
    }

    private static String credential(String header, String scheme) {
        return header != null && header.regionMatches(true, 0, scheme, 0, scheme.length())
                ? header.substring(scheme.length()).trim()
                : null;
    }
}
