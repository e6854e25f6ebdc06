package io.policygate.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The web pages (/ and /evaluations/{id}). */
@ConfigMapping(prefix = "policy-gate.web")
public interface WebConfig {

    /**
     * Serve the pages to anyone who can reach them. Off by default: they show merge request titles and
     * policy findings of every project, so without this they need policy-gate.api.token (Bearer, or as the
     * password of the browser's sign-in prompt).
     */
    @WithDefault("false")
    boolean open();
}
