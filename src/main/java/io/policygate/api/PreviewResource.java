package io.policygate.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.policygate.access.Roles;
import io.policygate.policy.PolicyError;
import io.policygate.policy.PolicyLoadException;
import io.policygate.preview.PolicyPreview;
import io.policygate.preview.Preview;
import io.policygate.preview.PreviewRequest;
import io.policygate.preview.PreviewStore;
import io.policygate.problem.Problem;
import io.policygate.problem.ProblemException;
import io.policygate.web.PagePaths;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

/**
 * Impact preview: what a candidate policy set would change on the open merge requests of a scope, before
 * it goes live. Nothing is posted to GitLab; each preview is kept for /preview/{id}.
 */
@SecurityRequirement(name = ApiDescription.API_TOKEN)
@Path("/api/v1/policies/preview")
@Produces(MediaType.APPLICATION_JSON)
public class PreviewResource {

    /** 422 for an invalid candidate set: every error with file, line and field, as {@code validate} prints them. */
    public record InvalidPolicies(String type, String title, int status, String detail, List<PolicyError> errors) {}

    private final PolicyPreview previews;
    private final PreviewStore store;
    private final ObjectMapper json;
    private final PagePaths paths;

    @Inject
    public PreviewResource(PolicyPreview previews, PreviewStore store, ObjectMapper json, PagePaths paths) {
        this.previews = previews;
        this.store = store;
        this.json = json;
        this.paths = paths;
    }

    /**
     * Body: {@code {"files": {"name.yaml": "<yaml>"}, "projects": [42, "payments/api"], "group": "payments",
     * "statusCheck": "Compliance"}}; projects and/or group.
     */
    @RolesAllowed(Roles.PREVIEWER)
    @POST
    @Consumes(MediaType.WILDCARD)
    public Response preview(byte[] body) {
        PreviewRequest request;
        try {
            request = json.readValue(body, PreviewRequest.class);
        } catch (JsonProcessingException e) {
            throw new ProblemException(
                    400,
                    "invalid-preview",
                    "Bad Request",
                    "the body must be JSON like"
                            + " {\"files\": {\"name.yaml\": \"<yaml>\"}, \"group\": \"payments\"}: "
                            + e.getOriginalMessage(),
                    null);
        } catch (IOException e) {
            throw new ProblemException(400, "invalid-preview", "Bad Request", "the body cannot be read", null);
        }
        if (request == null) {
            throw new ProblemException(400, "invalid-preview", "Bad Request", "the body is empty", null);
        }
        try {
            Preview preview = previews.run(request);
            return Response.ok(preview)
                    .header("Location", paths.page("/preview/" + preview.id()))
                    .build();
        } catch (PolicyLoadException e) {
            return Response.status(422)
                    .type(Problem.MEDIA_TYPE)
                    .entity(new InvalidPolicies(
                            "urn:policy-gate:problem:invalid-policies",
                            "Unprocessable Content",
                            422,
                            e.errors().size() + " error(s) in the candidate policy files; nothing was evaluated",
                            e.errors()))
                    .build();
        }
    }

    /** The latest previews, newest first. */
    @RolesAllowed(Roles.VIEWER)
    @GET
    public List<PreviewStore.Listed> latest() {
        return store.latest(50);
    }

    @RolesAllowed(Roles.VIEWER)
    @GET
    @Path("/{id}")
    public Preview get(@PathParam("id") String id) {
        return store.find(id)
                .orElseThrow(() -> new ProblemException(
                        404,
                        "not-found",
                        "Not Found",
                        "no preview " + id + " (previews are kept as long as policy-gate.history.keep)",
                        null));
    }
}
