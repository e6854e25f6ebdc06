package io.policygate.gitlab;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The GitLab REST calls policy-gate makes. Built by {@link GitLabClientProducer} from config only. */
@Path("/api/v4")
public interface GitLabApi {

    @GET
    @Path("/user")
    Response currentUser(@HeaderParam("PRIVATE-TOKEN") String token);

    @GET
    @Path("/version")
    Response version(@HeaderParam("PRIVATE-TOKEN") String token);

    @GET
    @Path("/projects/{id}/merge_requests")
    Response openMergeRequests(@PathParam("id") long projectId, @QueryParam("state") String state,
            @QueryParam("page") int page, @QueryParam("per_page") int perPage, @HeaderParam("PRIVATE-TOKEN") String token);

    @GET
    @Path("/projects/{id}/merge_requests/{iid}/status_checks")
    Response statusChecks(@PathParam("id") long projectId, @PathParam("iid") long mergeRequestIid,
            @HeaderParam("PRIVATE-TOKEN") String token);

    @GET
    @Path("/projects/{id}/merge_requests/{iid}")
    Response mergeRequest(@PathParam("id") long projectId, @PathParam("iid") long mergeRequestIid,
            @HeaderParam("PRIVATE-TOKEN") String token);

    @GET
    @Path("/projects/{id}/merge_requests/{iid}/diffs")
    Response diffs(@PathParam("id") long projectId, @PathParam("iid") long mergeRequestIid,
            @QueryParam("page") int page, @QueryParam("per_page") int perPage,
            @HeaderParam("PRIVATE-TOKEN") String token);

    @GET
    @Path("/projects/{id}/merge_requests/{iid}/commits")
    Response commits(@PathParam("id") long projectId, @PathParam("iid") long mergeRequestIid,
            @QueryParam("page") int page, @QueryParam("per_page") int perPage,
            @HeaderParam("PRIVATE-TOKEN") String token);

    @POST
    @Path("/projects/{id}/merge_requests/{iid}/status_check_responses")
    @Consumes(MediaType.APPLICATION_JSON)
    Response postStatusCheckResponse(@PathParam("id") long projectId, @PathParam("iid") long mergeRequestIid,
            @HeaderParam("PRIVATE-TOKEN") String token, StatusCheckResponseBody body);
}
