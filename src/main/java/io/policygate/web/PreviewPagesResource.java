package io.policygate.web;

import io.policygate.access.Roles;
import io.policygate.preview.Preview;
import io.policygate.preview.PreviewStore;
import io.policygate.problem.ProblemException;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/** /preview: the latest impact previews; /preview/{id}: which merge requests a candidate set would flip. */
@RolesAllowed(Roles.VIEWER)
@Path("/preview")
@Produces(MediaType.TEXT_HTML)
public class PreviewPagesResource {

    private static final int SHOWN = 50;

    /** The merge requests of one kind of change, with the heading they go under. */
    public record Flip(String anchor, String heading, List<Preview.MergeRequestImpact> mergeRequests) {}

    /** A stored preview as a line of the list. */
    public record Row(String id, String time, String scope, String summary) {}

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance previews(List<Row> previews);

        static native TemplateInstance preview(Preview preview, String created, List<Flip> flips);
    }

    private final PreviewStore store;

    @Inject
    public PreviewPagesResource(PreviewStore store) {
        this.store = store;
    }

    @GET
    public Response previews() {
        return PagesResource.html(
                200,
                Templates.previews(store.latest(SHOWN).stream()
                        .map(p -> new Row(p.id(), PagesResource.time(p.createdAt()), p.scope(), p.summary()))
                        .toList()));
    }

    @GET
    @Path("{id}")
    public Response preview(@PathParam("id") String id) {
        return store.find(id)
                .map(preview -> PagesResource.html(
                        200,
                        Templates.preview(
                                preview,
                                PagesResource.time(preview.createdAt()),
                                List.of(
                                        flip(preview, "to-failed", "Would fail"),
                                        flip(preview, "to-passed", "Would pass"),
                                        flip(preview, "unchanged", "Unchanged")))))
                .orElseGet(() -> PagesResource.problem(new ProblemException(
                        404,
                        "not-found",
                        "Not Found",
                        "no preview " + id + " (previews are kept as long as policy-gate.history.keep)",
                        null)));
    }

    private static Flip flip(Preview preview, String change, String heading) {
        return new Flip(
                change,
                heading,
                preview.mergeRequests().stream()
                        .filter(m -> m.change().equals(change))
                        .toList());
    }
}
