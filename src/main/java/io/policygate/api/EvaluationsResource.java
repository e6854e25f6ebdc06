package io.policygate.api;

import io.policygate.access.Roles;
import io.policygate.history.EvaluationExport;
import io.policygate.history.EvaluationHistory;
import io.policygate.journal.EvaluationRecords;
import io.policygate.problem.ProblemException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

/** The history: what was evaluated, what was decided, by which policy files, and how GitLab answered. */
@SecurityRequirement(name = ApiDescription.API_TOKEN)
@RolesAllowed(Roles.VIEWER)
@Path("/api/v1/evaluations")
@Produces(MediaType.APPLICATION_JSON)
public class EvaluationsResource {

    private final EvaluationHistory history;
    private final EvaluationRecords records;
    private final EvaluationExport export;

    @Inject
    public EvaluationsResource(EvaluationHistory history, EvaluationRecords records, EvaluationExport export) {
        this.history = history;
        this.records = records;
        this.export = export;
    }

    /**
     * The audit export: every evaluation created in [from, to), or with kind=merges every merge of a covered project
     * in it, as CSV or JSON lines, streamed while it is read (docs/operations.md, "Audit export").
     */
    @GET
    @Path("/export")
    @Produces({"text/csv", "application/x-ndjson", MediaType.APPLICATION_JSON})
    public Response export(
            @QueryParam("from") String from,
            @QueryParam("to") String to,
            @QueryParam("format") String format,
            @QueryParam("kind") String kind) {
        EvaluationExport.Request request = export.request(from, to, format, kind);
        StreamingOutput body = out -> export.write(request, out);
        return Response.ok(body, request.format().mediaType)
                .header("Content-Disposition", "attachment; filename=\"" + request.fileName() + "\"")
                .build();
    }

    @GET
    public EvaluationHistory.Page list(
            @QueryParam("project") String project,
            @QueryParam("mr") String mr,
            @QueryParam("status") String status,
            @QueryParam("ifEnforced") String ifEnforced,
            @QueryParam("tampered") String tampered,
            @QueryParam("waived") String waived,
            @QueryParam("waiver") String waiver,
            @QueryParam("limit") String limit,
            @QueryParam("cursor") String cursor) {
        return history.list(
                EvaluationHistory.query(project, mr, status, ifEnforced, tampered, waived, waiver, limit, cursor));
    }

    @GET
    @Path("/{id}")
    public EvaluationHistory.Detail get(@PathParam("id") String id) {
        return history.detail(id).orElseThrow(() -> EvaluationHistory.notFound(id));
    }

    /**
     * The evaluation's signed decision record: a DSSE envelope of an in-toto Statement about the commit with a SLSA
     * verification summary, verifiable with the keys of /api/v1/keys (docs/operations.md, "Signed decision
     * records"). 404 for an evaluation that reached no verdict, or one decided before records were signed.
     */
    @GET
    @Path("/{id}/attestation")
    public Response attestation(@PathParam("id") String id) {
        return records.attestation(id)
                .map(envelope ->
                        Response.ok(envelope, MediaType.APPLICATION_JSON).build())
                .orElseThrow(() -> history.detail(id).isPresent()
                        ? new ProblemException(
                                404,
                                "no-decision-record",
                                "Not Found",
                                "evaluation " + id + " has no signed decision record: it reached no verdict, or was"
                                        + " decided before policy-gate signed its verdicts",
                                null)
                        : EvaluationHistory.notFound(id));
    }
}
