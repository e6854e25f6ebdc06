package io.policygate.api;

import io.policygate.access.AccessToken;
import io.policygate.problem.Problem;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/** Every /api/v1/* request carries {@code Authorization: Bearer <policy-gate.api.token>}. */
public class ApiTokenFilter {

    private final AccessToken token;

    @Inject
    public ApiTokenFilter(AccessToken token) {
        this.token = token;
    }

    @ServerRequestFilter
    public Optional<Response> requireToken(ContainerRequestContext request) {
        if (!request.getUriInfo().getPath().startsWith("/api/")
                || token.acceptsBearer(request.getHeaderString(HttpHeaders.AUTHORIZATION))) {
            return Optional.empty();
        }
        String detail = token.configured()
                ? "send Authorization: Bearer <policy-gate.api.token>"
                : "the API is closed: set policy-gate.api.token (POLICY_GATE_API_TOKEN) to use it";
        return Optional.of(Response.status(401)
                .type(Problem.MEDIA_TYPE)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                .entity(new Problem("urn:policy-gate:problem:unauthenticated", "Unauthorized", 401, detail, null))
                .build());
    }
}
