package io.policygate.api;

import io.policygate.access.Roles;
import io.policygate.history.EvaluationHistory;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

/** The history: what was evaluated, what was decided, by which policy files, and how GitLab answered. */
@SecurityRequirement(name = ApiDescription.API_TOKEN)
@RolesAllowed(Roles.VIEWER)
@Path("/api/v1/evaluations")
@Produces(MediaType.APPLICATION_JSON)
public class EvaluationsResource {

    private final EvaluationHistory history;

    @Inject
    public EvaluationsResource(EvaluationHistory history) {
        this.history = history;
    }

    @GET
    public EvaluationHistory.Page list(
            @QueryParam("project") String project,
            @QueryParam("mr") String mr,
            @QueryParam("status") String status,
            @QueryParam("ifEnforced") String ifEnforced,
            @QueryParam("tampered") String tampered,
            @QueryParam("limit") String limit,
            @QueryParam("cursor") String cursor) {
        return history.list(EvaluationHistory.query(project, mr, status, ifEnforced, tampered, limit, cursor));
    }

    @GET
    @Path("/{id}")
    public EvaluationHistory.Detail get(@PathParam("id") String id) {
        return history.detail(id).orElseThrow(() -> EvaluationHistory.notFound(id));
    }
}
