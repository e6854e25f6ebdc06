package io.policygate.access;

import io.quarkus.security.ForbiddenException;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.TreeSet;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * A signed-in caller without the role an endpoint needs: 403 saying who they are and which roles they have.
 * Refused in two places, both answered here: an HTTP permission (before any resource runs) and a resource's
 * {@code @RolesAllowed}.
 */
@ApplicationScoped
public class ForbiddenResponses {

    private final SecurityIdentity identity;

    @Inject
    public ForbiddenResponses(SecurityIdentity identity) {
        this.identity = identity;
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).failureHandler(this::httpPermissionRefused);
    }

    private void httpPermissionRefused(RoutingContext context) {
        if (context.failure() instanceof ForbiddenException
                && !context.response().ended()) {
            SecurityIdentity refused =
                    context.user() instanceof QuarkusHttpUser user ? user.getSecurityIdentity() : null;
            Refusal.send(context, 403, detail(refused));
        } else {
            context.next();
        }
    }

    @ServerExceptionMapper
    public Response roleMissing(ForbiddenException e, UriInfo uri) {
        Refusal refusal = Refusal.of("/" + uri.getPath().replaceFirst("^/", ""), 403, detail(identity));
        return Response.status(403)
                .type(refusal.contentType())
                .entity(refusal.body())
                .build();
    }

    private static String detail(SecurityIdentity identity) {
        if (identity == null || identity.isAnonymous()) {
            return "this needs a role policy-gate has not given you; the roles are listed in docs/operations.md";
        }
        String roles = identity.getRoles().isEmpty() ? "no role" : "roles " + new TreeSet<>(identity.getRoles());
        return identity.getPrincipal().getName() + " has " + roles + ", not the role this needs (viewer for"
                + " reading, previewer for dry runs and impact previews, operator for reloading and registering)";
    }
}
