package io.policygate.web;

import io.policygate.access.Roles;
import io.policygate.journal.PostureRecords;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/** The gate posture of every covered project (/projects): those with problems first, each problem in a line. */
@RolesAllowed(Roles.VIEWER)
@Path("/projects")
@Produces(MediaType.TEXT_HTML)
public class ProjectsPagesResource {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance projects(List<PostureRecords.Posture> projects, long notOk);
    }

    private final PostureRecords postures;

    @Inject
    public ProjectsPagesResource(PostureRecords postures) {
        this.postures = postures;
    }

    @GET
    public Response projects() {
        List<PostureRecords.Posture> all = postures.all();
        return PagesResource.html(
                200, Templates.projects(all, all.stream().filter(p -> !p.ok()).count()));
    }
}
