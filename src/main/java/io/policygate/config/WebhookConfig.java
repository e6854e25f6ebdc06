package io.policygate.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/** How incoming webhooks are authenticated and bounded. */
@ConfigMapping(prefix = "policy-gate.webhook")
public interface WebhookConfig {

    /** Shared secret: the HMAC key of X-Gitlab-Signature, or the expected X-Gitlab-Token. */
    Optional<String> secret();

    /** Accept webhooks that carry neither signature nor token. Meant for local development only. */
    @WithDefault("false")
    boolean allowUnsigned();

    /** Largest accepted body; larger requests get 413. GitLab sends up to 25 MB. */
    @WithDefault("10M")
    MemorySize maxBodySize();
}
