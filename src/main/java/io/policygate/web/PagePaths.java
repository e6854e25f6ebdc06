package io.policygate.web;

import io.policygate.config.ServiceConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.net.URI;
import java.util.Optional;

/**
 * Where the pages are as people reach them. A proxy may serve policy-gate under a path, such as
 * https://tools.example.com/policy-gate/, and pass requests on without it: a link written "/evaluations/x"
 * would then leave policy-gate. Links start with the path of policy-gate.public-url instead.
 */
@ApplicationScoped
@Named("paths")
public class PagePaths {

    private final Optional<URI> publicUrl;
    private final String prefix;

    @Inject
    public PagePaths(ServiceConfig service) {
        this.publicUrl = service.publicUrl();
        this.prefix = publicUrl.map(URI::getRawPath).orElse("").replaceAll("/+$", "");
    }

    /** "" or the public path without its last slash, e.g. "/policy-gate": a page's path follows it. */
    public String prefix() {
        return prefix;
    }

    /** The path of one page, e.g. {@code page("/preview/" + id)}. */
    public String page(String path) {
        return prefix + path;
    }

    /** The full address of one page, for links outside policy-gate; none without policy-gate.public-url. */
    public Optional<URI> address(String path) {
        return publicUrl.map(url -> url.resolve(page(path)));
    }
}
