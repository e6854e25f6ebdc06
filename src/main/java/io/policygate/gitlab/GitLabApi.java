package io.policygate.gitlab;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.Encoded;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The GitLab REST calls policy-gate makes. Built by {@link GitLabClientProducer} from config only, which also sends
 * the token with every call. The calls a verdict makes (reads and the status report) answer with a {@link Uni}: a
 * job waiting for GitLab then holds no thread (the client's I/O runs on Vert.x's event loops), so a replica can have
 * many jobs in flight (policy-gate.worker.jobs-in-flight) while GitLab takes its time. The others (start-up check,
 * notes) are blocking.
 */
@Path("/api/v4")
public interface GitLabApi {

    @GET
    @Path("/user")
    Response currentUser();

    @GET
    @Path("/version")
    Response version();

    /** {@code id}: a project id, or its full path URL-encoded (payments%2Fapi) as GitLab takes it. */
    @GET
    @Path("/projects/{id}")
    Uni<Response> project(@Encoded @PathParam("id") String id);

    /** {@code id}: a group id, or its full path URL-encoded; subgroups' projects included, archived ones not. */
    @GET
    @Path("/groups/{id}/projects")
    Uni<Response> groupProjects(
            @Encoded @PathParam("id") String id,
            @QueryParam("include_subgroups") boolean subgroups,
            @QueryParam("archived") boolean archived,
            @QueryParam("page") int page,
            @QueryParam("per_page") int perPage);

    /** A project's merge requests in {@code state}, updated after {@code updatedAfter} (ISO 8601) when it is set. */
    @GET
    @Path("/projects/{id}/merge_requests")
    Uni<Response> mergeRequests(
            @PathParam("id") long projectId,
            @QueryParam("state") String state,
            @QueryParam("updated_after") String updatedAfter,
            @QueryParam("page") int page,
            @QueryParam("per_page") int perPage);

    /**
     * The merge requests of a group and its subgroups (lib/api/merge_requests.rb, scope {@code all}: not only the
     * token user's), in {@code state}, updated after {@code updatedAfter} when set; {@code id}: the group's id or
     * full path URL-encoded.
     */
    @GET
    @Path("/groups/{id}/merge_requests")
    Uni<Response> groupMergeRequests(
            @Encoded @PathParam("id") String group,
            @QueryParam("state") String state,
            @QueryParam("scope") String scope,
            @QueryParam("updated_after") String updatedAfter,
            @QueryParam("page") int page,
            @QueryParam("per_page") int perPage);

    /** The checks that apply to the merge request's target branch, with their status at its HEAD; paginated. */
    @GET
    @Path("/projects/{id}/merge_requests/{iid}/status_checks")
    Uni<Response> statusChecks(
            @PathParam("id") long projectId,
            @PathParam("iid") long mergeRequestIid,
            @QueryParam("page") int page,
            @QueryParam("per_page") int perPage);

    /**
     * A project's external status checks with the protected branches each is limited to (none: all branches);
     * paginated. Needs the read_external_status_check permission, as the merge request's status_checks do.
     */
    @GET
    @Path("/projects/{id}/external_status_checks")
    Uni<Response> projectStatusChecks(
            @PathParam("id") long projectId, @QueryParam("page") int page, @QueryParam("per_page") int perPage);

    /**
     * The commits and diffs between two commits (lib/api/repositories.rb, API::Entities::Compare): from a merge
     * request's merge base to its HEAD, the changes its diff version shows, in one call. {@code compare_timeout}
     * says the diffs were cut short.
     */
    @GET
    @Path("/projects/{id}/repository/compare")
    Uni<Response> compare(
            @PathParam("id") long projectId, @QueryParam("from") String from, @QueryParam("to") String to);

    @GET
    @Path("/projects/{id}/merge_requests/{iid}")
    Uni<Response> mergeRequest(@PathParam("id") long projectId, @PathParam("iid") long mergeRequestIid);

    /** The merge request's diff versions, newest first, each with the {@code head_commit_sha} it was made for. */
    @GET
    @Path("/projects/{id}/merge_requests/{iid}/versions")
    Uni<Response> diffVersions(
            @PathParam("id") long projectId,
            @PathParam("iid") long mergeRequestIid,
            @QueryParam("page") int page,
            @QueryParam("per_page") int perPage);

    /** One diff version with all its {@code diffs} and {@code commits} (lib/api/merge_request_diffs.rb). */
    @GET
    @Path("/projects/{id}/merge_requests/{iid}/versions/{versionId}")
    Uni<Response> diffVersion(
            @PathParam("id") long projectId,
            @PathParam("iid") long mergeRequestIid,
            @PathParam("versionId") long versionId);

    /** The commit a branch, tag or SHA names (API::Commits, GET /projects/:id/repository/commits/:sha). */
    @GET
    @Path("/projects/{id}/repository/commits/{ref}")
    Uni<Response> repositoryCommit(@Encoded @PathParam("id") String id, @Encoded @PathParam("ref") String ref);

    /** The commits of a ref that changed a path, newest first (API::Commits, GET /projects/:id/repository/commits). */
    @GET
    @Path("/projects/{id}/repository/commits")
    Uni<Response> repositoryCommits(
            @Encoded @PathParam("id") String id,
            @QueryParam("ref_name") String ref,
            @QueryParam("path") String path,
            @QueryParam("page") int page,
            @QueryParam("per_page") int perPage);

    /** The merge requests a commit came in with (GET /projects/:id/repository/commits/:sha/merge_requests). */
    @GET
    @Path("/projects/{id}/repository/commits/{sha}/merge_requests")
    Uni<Response> commitMergeRequests(
            @Encoded @PathParam("id") String id,
            @PathParam("sha") String sha,
            @QueryParam("page") int page,
            @QueryParam("per_page") int perPage);

    /** Who approved a merge request (GET /projects/:id/merge_requests/:iid/approvals). */
    @GET
    @Path("/projects/{id}/merge_requests/{iid}/approvals")
    Uni<Response> mergeRequestApprovals(@Encoded @PathParam("id") String id, @PathParam("iid") long iid);

    /**
     * A merge request's approval rules with their state (GET /projects/:id/merge_requests/:iid/approval_state,
     * GitLab Premium): {@code rules[].rule_type} {@code code_owner} for CODEOWNERS sections.
     */
    @GET
    @Path("/projects/{id}/merge_requests/{iid}/approval_state")
    Uni<Response> approvalState(@PathParam("id") long id, @PathParam("iid") long iid);

    /** A group's members, inherited ones included (GET /groups/:id/members/all); {@code id} as for groupProjects. */
    @GET
    @Path("/groups/{id}/members/all")
    Uni<Response> groupMembers(
            @Encoded @PathParam("id") String id, @QueryParam("page") int page, @QueryParam("per_page") int perPage);

    /** A folder's entries at a commit, its subfolders' too (API::Repositories, GET /projects/:id/repository/tree). */
    @GET
    @Path("/projects/{id}/repository/tree")
    Uni<Response> repositoryTree(
            @Encoded @PathParam("id") String id,
            @QueryParam("ref") String ref,
            @QueryParam("path") String path,
            @QueryParam("recursive") boolean recursive,
            @QueryParam("page") int page,
            @QueryParam("per_page") int perPage);

    /** One file at a commit, its content in base64 (API::Files, GET /projects/:id/repository/files/:file_path). */
    @GET
    @Path("/projects/{id}/repository/files/{path}")
    Uni<Response> repositoryFile(
            @Encoded @PathParam("id") String id,
            @Encoded @PathParam("path") String path,
            @QueryParam("ref") String ref);

    @POST
    @Path("/projects/{id}/merge_requests/{iid}/status_check_responses")
    @Consumes(MediaType.APPLICATION_JSON)
    Uni<Response> postStatusCheckResponse(
            @PathParam("id") long projectId, @PathParam("iid") long mergeRequestIid, StatusCheckResponseBody body);

    @GET
    @Path("/projects/{id}/merge_requests/{iid}/notes")
    Response notes(
            @PathParam("id") long projectId,
            @PathParam("iid") long mergeRequestIid,
            @QueryParam("sort") String sort,
            @QueryParam("order_by") String orderBy,
            @QueryParam("page") int page,
            @QueryParam("per_page") int perPage);

    @POST
    @Path("/projects/{id}/merge_requests/{iid}/notes")
    @Consumes(MediaType.APPLICATION_JSON)
    Response createNote(@PathParam("id") long projectId, @PathParam("iid") long mergeRequestIid, NoteBody body);

    @PUT
    @Path("/projects/{id}/merge_requests/{iid}/notes/{noteId}")
    @Consumes(MediaType.APPLICATION_JSON)
    Response updateNote(
            @PathParam("id") long projectId,
            @PathParam("iid") long mergeRequestIid,
            @PathParam("noteId") long noteId,
            NoteBody body);

    /**
     * Sets an external control's status for a project (API::ComplianceExternalControls, GitLab 17.11+): {@code status}
     * pass or fail, as a form; GitLab authenticates it by the control's secret, not the token: {@code signature} is
     * hex(HMAC-SHA256(secret, timestamp + nonce + path + "status=" + status)), the timestamp Unix seconds within 15 s
     * of GitLab's clock, the nonce 32 characters never used before.
     */
    @PATCH
    @Path("/projects/{id}/compliance_external_controls/{controlId}/status")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    Response setControlStatus(
            @PathParam("id") long projectId,
            @PathParam("controlId") long controlId,
            @FormParam("status") String status,
            @HeaderParam("X-Gitlab-Timestamp") String timestamp,
            @HeaderParam("X-Gitlab-Nonce") String nonce,
            @HeaderParam("X-Gitlab-Hmac-Sha256") String signature);

    /** The body of POST and PUT .../notes: GitLab renders it as Markdown. */
    record NoteBody(String body) {}
}
