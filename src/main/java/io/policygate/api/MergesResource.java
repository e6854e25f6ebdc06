package io.policygate.api;

import io.policygate.access.Roles;
import io.policygate.history.MergeHistory;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

/**
 * Every merge of a covered project's merge request since policy-gate covered it, and whether it passed the gate
 * (docs/operations.md, "Every merge accounted for").
 */
@SecurityRequirement(name = ApiDescription.API_TOKEN)
@RolesAllowed(Roles.VIEWER)
@Path("/api/v1/merges")
@Produces(MediaType.APPLICATION_JSON)
public class MergesResource {

    private final MergeHistory merges;

    @Inject
    public MergesResource(MergeHistory merges) {
        this.merges = merges;
    }

    @GET
    public MergeHistory.Merges list(
            @QueryParam("from") String from,
            @QueryParam("to") String to,
            @QueryParam("project") String project,
            @QueryParam("gated") String gated,
            @QueryParam("limit") String limit) {
        return merges.list(merges.query(from, to, project, gated, limit));
    }
}
