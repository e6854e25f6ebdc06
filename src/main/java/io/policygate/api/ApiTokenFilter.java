package io.policygate.api;

import io.policygate.config.ApiConfig;
import io.policygate.http.Problem;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/** Every /api/v1/* request carries {@code Authorization: Bearer <policy-gate.api.token>}. */
public class ApiTokenFilter {

    private final Optional<byte[]> token;

    @Inject
    public ApiTokenFilter(ApiConfig config) {
        this.token = config.token().filter(t -> !t.isEmpty()).map(t -> t.getBytes(StandardCharsets.UTF_8));
    }

    @ServerRequestFilter
    public Optional<Response> requireToken(ContainerRequestContext request) {
        if (!request.getUriInfo().getPath().startsWith("/api/")) {
            return Optional.empty();
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        String given = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
        if (token.isPresent() && given != null
                && MessageDigest.isEqual(token.get(), given.getBytes(StandardCharsets.UTF_8))) {
            return Optional.empty();
        }
        String detail = token.isEmpty()
                ? "the API is closed: set policy-gate.api.token (POLICY_GATE_API_TOKEN) to use it"
                : "send Authorization: Bearer <policy-gate.api.token>";
        return Optional.of(Response.status(401).type(Problem.MEDIA_TYPE).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                .entity(new Problem("urn:policy-gate:problem:unauthenticated", "Unauthorized", 401, detail, null))
                .build());
    }
}
