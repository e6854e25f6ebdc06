package io.policygate.gitlab;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The GitLab REST calls policy-gate makes. Built by {@link GitLabClientProducer} from config only. */
@Path("/api/v4")
public interface GitLabApi {

    @POST
    @Path("/projects/{id}/merge_requests/{iid}/status_check_responses")
    @Consumes(MediaType.APPLICATION_JSON)
    Response postStatusCheckResponse(@PathParam("id") long projectId, @PathParam("iid") long mergeRequestIid,
            @HeaderParam("PRIVATE-TOKEN") String token, StatusCheckResponseBody body);
}
