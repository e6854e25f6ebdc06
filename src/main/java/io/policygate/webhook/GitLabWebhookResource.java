package io.policygate.webhook;

import io.policygate.config.GitLabConfig;
import io.policygate.event.InvalidPayloadException;
import io.policygate.event.MergeRequestEventParser;
import io.policygate.event.ParsedEvent;
import io.policygate.http.ApiDescription;
import io.policygate.http.ProblemException;
import io.policygate.journal.Enqueued;
import io.policygate.journal.JournalStore;
import io.policygate.journal.JournalUnavailableException;
import io.policygate.journal.RepeatedDeliveryException;
import io.policygate.worker.JobWorker;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

/**
 * Intake: authenticate, validate, store, answer. Never evaluates inline: GitLab waits for this answer
 * and does not retry a non-2xx, so the answer must be fast and mean "durably accepted".
 */
// Either header authenticates a webhook: the two requirements are alternatives.
@SecurityRequirement(name = ApiDescription.WEBHOOK_SIGNATURE)
@SecurityRequirement(name = ApiDescription.WEBHOOK_TOKEN)
@SecurityRequirement(name = ApiDescription.WEBHOOK_STANDARD)
@Path("/webhooks/gitlab")
public class GitLabWebhookResource {

    private final WebhookSignature signature;
    private final GitLabConfig gitlab;
    private final JournalStore journal;
    private final JobWorker worker;
    private final WebhookMetrics metrics;

    @Inject
    public GitLabWebhookResource(WebhookSignature signature, GitLabConfig gitlab, JournalStore journal,
            JobWorker worker, WebhookMetrics metrics) {
        this.signature = signature;
        this.gitlab = gitlab;
        this.journal = journal;
        this.worker = worker;
        this.metrics = metrics;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Response receive(byte[] body, @HeaderParam("X-Gitlab-Signature") String gitlabSignature,
            @HeaderParam("X-Gitlab-Token") String gitlabToken, @HeaderParam("webhook-id") String webhookId,
            @HeaderParam("webhook-timestamp") String webhookTimestamp,
            @HeaderParam("webhook-signature") String webhookSignature) {
        WebhookSignature.Decision decision = signature.check(body, new WebhookSignature.Credentials(gitlabSignature,
                gitlabToken, webhookId, webhookTimestamp, webhookSignature));
        if (decision instanceof WebhookSignature.Refused refused) {
            metrics.count("unauthorized");
            throw new ProblemException(401, "unauthenticated", "Unauthorized", refused.reason(), null);
        }
        Optional<String> deliveryId = ((WebhookSignature.Accepted) decision).deliveryId();
        ParsedEvent parsed;
        try {
            parsed = MergeRequestEventParser.parse(body, gitlab.defaultCheckId());
        } catch (InvalidPayloadException e) {
            metrics.count("invalid");
            throw e;
        }
        if (parsed instanceof ParsedEvent.Ignored ignored) {
            metrics.count("ignored");
            return Response.ok(Map.of("state", "ignored", "reason", ignored.reason())).build();
        }
        Enqueued enqueued;
        try {
            enqueued = journal.enqueue(((ParsedEvent.Actionable) parsed).event(), new String(body, StandardCharsets.UTF_8),
                    deliveryId);
        } catch (JournalUnavailableException e) {
            metrics.count("unavailable");
            throw e;
        } catch (RepeatedDeliveryException e) {
            metrics.count("replayed");
            throw new ProblemException(409, "replayed", "Conflict", e.getMessage() + ": a signed webhook is accepted"
                    + " once (GitLab sends the same webhook-id when it retries a delivery policy-gate has already"
                    + " stored)", null);
        }
        metrics.count(enqueued.duplicate() ? "duplicate" : "accepted");
        if (!enqueued.duplicate()) {
            worker.wakeUp();
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("evaluationId", enqueued.id());
        answer.put("state", enqueued.state().dbName());
        if (enqueued.duplicate()) {
            answer.put("duplicate", true);
        }
        return Response.accepted(answer).build();
    }
}
