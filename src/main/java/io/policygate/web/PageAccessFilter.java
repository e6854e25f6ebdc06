package io.policygate.web;

import io.policygate.access.AccessToken;
import io.policygate.config.WebConfig;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * The pages need policy-gate.api.token unless policy-gate.web.open: a browser asks for it with its own
 * sign-in prompt (HTTP Basic, any user name, the token as password), so no script or cookie is needed.
 */
public class PageAccessFilter {

    private final AccessToken token;
    private final WebConfig config;

    @Inject
    public PageAccessFilter(AccessToken token, WebConfig config) {
        this.token = token;
        this.config = config;
    }

    @ServerRequestFilter
    public Optional<Response> requireToken(ContainerRequestContext request) {
        if (config.open()
                || !PagesResource.isPage(request.getUriInfo().getPath())
                || token.acceptsBearerOrBasic(request.getHeaderString(HttpHeaders.AUTHORIZATION))) {
            return Optional.empty();
        }
        String detail = token.configured()
                ? "Sign in with any user name and policy-gate.api.token as the password."
                : "The pages are closed: set policy-gate.api.token (POLICY_GATE_API_TOKEN), or policy-gate.web.open=true"
                        + " to serve them to anyone who can reach policy-gate.";
        return Optional.of(Response.status(401)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"policy-gate\", charset=\"UTF-8\"")
                .type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"))
                .entity(PagesResource.Templates.problem("Sign in", detail).render())
                .build());
    }
}
