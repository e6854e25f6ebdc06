package io.policygate.api;

import io.policygate.access.Roles;
import io.policygate.journal.PostureRecords;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

/**
 * Each covered project's gate posture as the reconciliation sweep last judged it: ok, or the problems in plain
 * language (docs/operations.md, "Gate posture").
 */
@SecurityRequirement(name = ApiDescription.API_TOKEN)
@RolesAllowed(Roles.VIEWER)
@Path("/api/v1/projects")
@Produces(MediaType.APPLICATION_JSON)
public class ProjectsResource {

    /** The API's answer. */
    public record Projects(List<PostureRecords.Posture> projects) {}

    private final PostureRecords postures;

    @Inject
    public ProjectsResource(PostureRecords postures) {
        this.postures = postures;
    }

    @GET
    public Projects list() {
        return new Projects(postures.all());
    }
}
