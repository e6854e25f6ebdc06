package io.policygate.web;

import io.policygate.access.Roles;
import io.policygate.history.MergeHistory;
import io.policygate.journal.MergeRecords;
import io.policygate.problem.ProblemException;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/**
 * The merges of covered projects (/merges), ungated ones first in mind: each with why it merged without policy-gate's
 * pass, a link to the merge request in GitLab and one to the verdict that decided, if any.
 */
@RolesAllowed(Roles.VIEWER)
@Path("/merges")
@Produces(MediaType.TEXT_HTML)
public class MergesPagesResource {

    /** The page: the merges listed, and the filters that chose them (null: any). */
    public record MergesPage(
            List<MergeRecords.MergeRecord> merges, String from, String to, String project, String gated) {
        public long ungated() {
            return merges.stream().filter(m -> !m.gated()).count();
        }
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance merges(MergesPage page);
    }

    private final MergeHistory merges;

    @Inject
    public MergesPagesResource(MergeHistory merges) {
        this.merges = merges;
    }

    @GET
    public Response merges(
            @QueryParam("from") String from,
            @QueryParam("to") String to,
            @QueryParam("project") String project,
            @QueryParam("gated") String gated) {
        String fromFilter = PagesResource.blankToNull(from);
        String toFilter = PagesResource.blankToNull(to);
        String projectFilter = PagesResource.blankToNull(project);
        String gatedFilter = PagesResource.blankToNull(gated);
        MergeRecords.Query query;
        try {
            query = merges.query(fromFilter, toFilter, projectFilter, gatedFilter, null);
        } catch (ProblemException e) {
            return PagesResource.problem(e);
        }
        return PagesResource.html(
                200,
                Templates.merges(
                        new MergesPage(merges.list(query).merges(), fromFilter, toFilter, projectFilter, gatedFilter)));
    }
}
