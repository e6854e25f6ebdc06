package io.policygate.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.policygate.config.ComplianceConfig;
import io.policygate.config.WebhookConfig;
import io.policygate.journal.ExternalControlRequests;
import io.policygate.problem.ProblemException;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * GitLab's compliance centre asks here whether a project complies, as the external control of a compliance
 * requirement (GitLab 17.11+, ComplianceRequirements::TriggerExternalControlService): a POST of the project's
 * details with {@code project_control_compliance_status} ({@code compliance_requirements_control_id},
 * {@code project_id}, …), signed {@code X-GitLab-Signature: hex(HMAC-SHA256(control secret, body))}. A request
 * without the header, or for a secret policy-gate does not have, is refused before its body is read; a signed one is
 * read (at most 256 KiB, at the webhooks' minimum rate) through the signature check, kept in the journal, and answered
 * 202. Only the project and control ids are taken from it: the project's posture is judged from what GitLab says
 * ({@code io.policygate.coverage.ExternalControlReporter} then sets the control's status).
 */
@PermitAll
@Path("/compliance/gitlab")
public class ExternalControlResource {

    /** A project's details are a few kilobytes. */
    static final long MAX_BODY = 256 * 1024;

    private final ComplianceConfig config;
    private final ExternalControlRequests requests;
    private final SlowBodyWatch slowBodies;
    private final WebhookBody.BodyPace pace;
    private final ObjectMapper json;

    @Inject
    public ExternalControlResource(
            ComplianceConfig config,
            WebhookConfig webhook,
            ExternalControlRequests requests,
            SlowBodyWatch slowBodies,
            ObjectMapper json) {
        this.config = config;
        this.requests = requests;
        this.slowBodies = slowBodies;
        this.json = json;
        this.pace = WebhookBody.BodyPace.of(webhook);
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Response receive(
            InputStream stream,
            @Context HttpServerRequest request,
            @HeaderParam("Content-Length") Long contentLength,
            @HeaderParam("X-GitLab-Signature") String signature,
            @QueryParam("secret") String secretName) {
        Optional<String> secret = config.secretNamed(secretName);
        if (secret.isEmpty() || signature == null || signature.isBlank()) {
            throw unauthorized(
                    secret.isEmpty()
                            ? "no external-control secret of that name is configured (policy-gate.compliance.secret,"
                                    + " policy-gate.compliance.secrets.<name>)"
                            : "missing X-GitLab-Signature: the request is not signed with the control's secret",
                    true);
        }
        if (contentLength != null && contentLength > MAX_BODY) {
            throw new ProblemException(
                    413,
                    "too-large",
                    "Content Too Large",
                    "an external-control request is a project's details, at most " + MAX_BODY + " bytes",
                    null,
                    true);
        }
        WebhookSignature.Check check = WebhookSignature.hmacOfBody(
                secret.get().getBytes(StandardCharsets.UTF_8),
                signature,
                "X-GitLab-Signature is not the HMAC of this body with the control's secret");
        WebhookBody body = new WebhookBody(stream, contentLength, check, MAX_BODY, pace);
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        try (SlowBodyWatch.Running watched = slowBodies.start(request, body)) {
            byte[] buffer = new byte[8192];
            for (int n; (n = body.read(buffer)) >= 0 && !body.tooLarge(); ) {
                read.write(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new ProblemException(
                    body.tooSlow() ? 408 : 400,
                    body.tooSlow() ? "too-slow" : "unreadable-body",
                    body.tooSlow() ? "Request Timeout" : "Bad Request",
                    "the body could not be read to its end",
                    null,
                    true);
        }
        if (body.tooLarge()) {
            throw new ProblemException(
                    413, "too-large", "Content Too Large", "at most " + MAX_BODY + " bytes", null, true);
        }
        if (check.decision() instanceof WebhookSignature.Refused refused) {
            throw unauthorized(refused.reason(), false);
        }
        JsonNode status;
        try {
            status = json.readTree(read.toByteArray()).path("project_control_compliance_status");
        } catch (IOException e) {
            throw invalid("the body is not JSON: " + e.getMessage());
        }
        long projectId = status.path("project_id").asLong(0);
        long controlId = status.path("compliance_requirements_control_id").asLong(0);
        if (projectId <= 0 || controlId <= 0) {
            throw invalid("project_control_compliance_status.project_id and .compliance_requirements_control_id"
                    + " must be positive numbers");
        }
        requests.accept(projectId, controlId, secretName);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("projectId", projectId);
        answer.put("controlId", controlId);
        answer.put("state", "queued");
        return Response.accepted(answer).build();
    }

    private static ProblemException unauthorized(String detail, boolean unread) {
        return new ProblemException(401, "unauthenticated", "Unauthorized", detail, null, unread);
    }

    private static ProblemException invalid(String detail) {
        return new ProblemException(422, "invalid-request", "Unprocessable Content", detail, null);
    }
}
