package io.policygate.webhook;

import io.policygate.api.ApiDescription;
import io.policygate.async.WebhooksInProgress;
import io.policygate.config.GitLabConfig;
import io.policygate.config.WebhookConfig;
import io.policygate.event.InvalidPayloadException;
import io.policygate.event.MergeRequestEventParser;
import io.policygate.event.ParsedEvent;
import io.policygate.journal.Enqueued;
import io.policygate.journal.JobQueue;
import io.policygate.journal.JournalUnavailableException;
import io.policygate.journal.RepeatedDeliveryException;
import io.policygate.journal.WorkDue;
import io.policygate.problem.ProblemException;
import jakarta.annotation.security.PermitAll;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

/**
 * Intake: authenticate, validate, store, answer. Never evaluates inline: GitLab waits for this answer
 * and does not retry a non-2xx, so the answer must be fast and mean "durably accepted". The body is read as it
 * arrives, through the signature check and a parser that keeps only the fields policy-gate reads: GitLab sends up
 * to 25 MB, and a few such bodies at once must not fill the heap.
 */
// Either header authenticates a webhook: the two requirements are alternatives.
@SecurityRequirement(name = ApiDescription.WEBHOOK_SIGNATURE)
@SecurityRequirement(name = ApiDescription.WEBHOOK_TOKEN)
@SecurityRequirement(name = ApiDescription.WEBHOOK_STANDARD)
@PermitAll
@Path("/webhooks/gitlab")
public class GitLabWebhookResource {

    private final WebhookSignature signature;
    private final WebhookConfig config;
    private final GitLabConfig gitlab;
    private final JobQueue jobs;
    private final Event<WorkDue> due;
    private final WebhookMetrics metrics;
    private final WebhooksInProgress inProgress;

    @Inject
    public GitLabWebhookResource(
            WebhookSignature signature,
            WebhookConfig config,
            GitLabConfig gitlab,
            JobQueue jobs,
            Event<WorkDue> due,
            WebhookMetrics metrics,
            WebhooksInProgress inProgress) {
        this.inProgress = inProgress;
        this.signature = signature;
        this.config = config;
        this.gitlab = gitlab;
        this.jobs = jobs;
        this.due = due;
        this.metrics = metrics;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Response receive(
            InputStream stream,
            @HeaderParam("Content-Length") Long contentLength,
            @HeaderParam("X-Gitlab-Signature") String gitlabSignature,
            @HeaderParam("X-Gitlab-Token") String gitlabToken,
            @HeaderParam("webhook-id") String webhookId,
            @HeaderParam("webhook-timestamp") String webhookTimestamp,
            @HeaderParam("webhook-signature") String webhookSignature) {
        inProgress.began();
        try {
            long limit = config.maxBodySize().asLongValue();
            if (contentLength != null && WebhookBody.tooLargeToDrain(contentLength, limit)) {
                throw tooLarge(limit, true);
            }
            WebhookSignature.Check check = signature.begin(new WebhookSignature.Credentials(
                    gitlabSignature, gitlabToken, webhookId, webhookTimestamp, webhookSignature));
            WebhookBody body = new WebhookBody(stream, check, limit);
            ParsedEvent parsed = null;
            InvalidPayloadException invalid = null;
            try {
                parsed = MergeRequestEventParser.parse(body, gitlab.defaultCheckId());
            } catch (InvalidPayloadException e) {
                invalid = e;
            } catch (UncheckedIOException e) {
                if (!body.tooLarge()) {
                    throw new ProblemException(
                            400, "unreadable-body", "Bad Request", "the body could not be read to its" + " end", null);
                }
            }
            try {
                body.drain();
            } catch (IOException e) {
                throw new ProblemException(
                        400, "unreadable-body", "Bad Request", "the body could not be read to its end", null);
            }
            if (body.tooLarge()) {
                throw tooLarge(limit, false);
            }
            // The signature decides before anything the body says: an unsigned body gets 401 whatever it holds.
            WebhookSignature.Decision decision = check.decision();
            if (decision instanceof WebhookSignature.Refused refused) {
                metrics.count("unauthorized");
                throw new ProblemException(401, "unauthenticated", "Unauthorized", refused.reason(), null);
            }
            if (invalid != null) {
                metrics.count("invalid");
                throw invalid;
            }
            Optional<String> deliveryId = ((WebhookSignature.Accepted) decision).deliveryId();
            if (parsed instanceof ParsedEvent.Ignored ignored) {
                metrics.count("ignored");
                return Response.ok(Map.of("state", "ignored", "reason", ignored.reason()))
                        .build();
            }
            ParsedEvent.Actionable actionable = (ParsedEvent.Actionable) parsed;
            Enqueued enqueued;
            try {
                enqueued = jobs.enqueue(actionable.event(), actionable.payload(), deliveryId);
            } catch (JournalUnavailableException e) {
                metrics.count("unavailable");
                throw e;
            } catch (RepeatedDeliveryException e) {
                metrics.count("replayed");
                throw new ProblemException(
                        409,
                        "replayed",
                        "Conflict",
                        e.getMessage() + ": a signed webhook is accepted"
                                + " once (GitLab sends the same webhook-id when it retries a delivery policy-gate has already"
                                + " stored)",
                        null);
            }
            metrics.count(enqueued.duplicate() ? "duplicate" : "accepted");
            if (!enqueued.duplicate()) {
                due.fire(WorkDue.JOB);
            }
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("evaluationId", enqueued.id());
            answer.put("state", enqueued.state().dbName());
            if (enqueued.duplicate()) {
                answer.put("duplicate", true);
            }
            return Response.accepted(answer).build();
        } finally {
            inProgress.ended();
        }
    }

    /** 413, counted; {@code closing}: the body is not even drained, so the connection ends with the answer. */
    private ProblemException tooLarge(long limit, boolean closing) {
        metrics.count("too-large");
        return new ProblemException(
                413,
                "too-large",
                "Content Too Large",
                "the body has more than " + limit + " bytes (policy-gate.webhook.max-body-size)"
                        + (closing ? "; the connection is closed" : ""),
                null);
    }
}
