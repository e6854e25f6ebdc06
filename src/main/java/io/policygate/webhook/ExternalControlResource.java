package io.policygate.webhook;

import io.policygate.config.ComplianceConfig;
import io.policygate.config.WebhookConfig;
import io.policygate.event.ExternalControlRequest;
import io.policygate.event.InvalidPayloadException;
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
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
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
 * read as it arrives (at most 64 KiB, at the webhooks' minimum rate) through the signature check, its two ids kept in
 * the journal and the rest skipped unread, and answered 202. Only the project and control ids are taken from it: the project's posture is judged from what GitLab says
 * ({@code io.policygate.coverage.ExternalControlReporter} then sets the control's status).
 */
@PermitAll
@Path("/compliance/gitlab")
public class ExternalControlResource {

    /** A project's details are a few kilobytes. */
    static final long MAX_BODY = 64 * 1024;

    private final ComplianceConfig config;
    private final ExternalControlRequests requests;
    private final SlowBodyWatch slowBodies;
    private final WebhookBody.BodyPace pace;

    @Inject
    public ExternalControlResource(
            ComplianceConfig config,
            WebhookConfig webhook,
            ExternalControlRequests requests,
            SlowBodyWatch slowBodies) {
        this.config = config;
        this.requests = requests;
        this.slowBodies = slowBodies;
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
        ExternalControlRequest asked = null;
        InvalidPayloadException invalid = null;
        try (SlowBodyWatch.Running watched = slowBodies.start(request, body)) {
            try {
                asked = ExternalControlRequest.parse(body);
            } catch (InvalidPayloadException e) {
                invalid = e;
            } catch (UncheckedIOException e) {
                if (!body.tooLarge() && !body.tooSlow()) {
                    throw unreadable();
                }
            }
            // What the parser left goes through the signature check too: the HMAC is of the whole body.
            body.drain(MAX_BODY);
        } catch (IOException e) {
            throw body.tooSlow()
                    ? new ProblemException(408, "too-slow", "Request Timeout", "the body came too slowly", null, true)
                    : unreadable();
        }
        if (body.tooLarge()) {
            throw new ProblemException(
                    413, "too-large", "Content Too Large", "at most " + MAX_BODY + " bytes", null, true);
        }
        // The signature decides before anything the body says.
        if (check.decision() instanceof WebhookSignature.Refused refused) {
            throw unauthorized(refused.reason(), false);
        }
        if (invalid != null) {
            throw invalid;
        }
        long projectId = asked.projectId();
        long controlId = asked.controlId();
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

    private static ProblemException unreadable() {
        return new ProblemException(
                400, "unreadable-body", "Bad Request", "the body could not be read to its end", null, true);
    }
}
