package io.policygate.webhook;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.policygate.api.ApiDescription;
import io.policygate.async.WebhooksInProgress;
import io.policygate.config.GitLabConfig;
import io.policygate.config.WebhookConfig;
import io.policygate.event.InvalidPayloadException;
import io.policygate.event.Parsed;
import io.policygate.event.Trigger;
import io.policygate.event.TriggerParser;
import io.policygate.journal.Enqueued;
import io.policygate.journal.JobQueue;
import io.policygate.journal.JournalUnavailableException;
import io.policygate.journal.RepeatedDeliveryException;
import io.policygate.journal.WorkDue;
import io.policygate.problem.ProblemException;
import io.policygate.tracing.Traces;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.PermitAll;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
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
 * Intake: authenticate, validate, store, answer. Never evaluates inline: GitLab waits for this answer and does not
 * retry a non-2xx, so the answer must be fast and mean "durably accepted". Nothing a sender without the secret
 * sends costs more than the time to refuse it: a request whose headers cannot be right is refused without reading
 * its body; a body is read as it arrives, through the signature check and a parser that keeps the few fields of a
 * trigger (GitLab sends up to 25 MB, and any number of such bodies at once must not fill the heap), within a
 * deadline and at a minimum rate; and only a signed webhook holds evaluation back while it is answered.
 */
// Either header authenticates a webhook: the two requirements are alternatives.
@SecurityRequirement(name = ApiDescription.WEBHOOK_SIGNATURE)
@SecurityRequirement(name = ApiDescription.WEBHOOK_TOKEN)
@SecurityRequirement(name = ApiDescription.WEBHOOK_STANDARD)
@PermitAll
@Path("/webhooks/gitlab")
public class GitLabWebhookResource {

    /**
     * What is read of a body whose signature headers are refused whatever it holds: enough for the webhooks GitLab
     * sends (a few kilobytes) to be answered 401 on a connection that stays usable, nothing like 25 MB.
     */
    private static final long UNSIGNED_DRAIN = 64 * 1024;

    private final WebhookSignature signature;
    private final WebhookConfig config;
    private final GitLabConfig gitlab;
    private final JobQueue jobs;
    private final Event<WorkDue> due;
    private final WebhookMetrics metrics;
    private final WebhooksInProgress inProgress;
    private final SlowBodyWatch slowBodies;
    private final Traces traces;
    private final WebhookBody.BodyPace pace;

    @Inject
    public GitLabWebhookResource(
            WebhookSignature signature,
            WebhookConfig config,
            GitLabConfig gitlab,
            JobQueue jobs,
            Event<WorkDue> due,
            WebhookMetrics metrics,
            WebhooksInProgress inProgress,
            SlowBodyWatch slowBodies,
            Traces traces) {
        this.traces = traces;
        this.inProgress = inProgress;
        this.slowBodies = slowBodies;
        this.pace = WebhookBody.BodyPace.of(config);
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
            @Context HttpServerRequest request,
            @HeaderParam("Content-Length") Long contentLength,
            @HeaderParam("X-Gitlab-Signature") String gitlabSignature,
            @HeaderParam("X-Gitlab-Token") String gitlabToken,
            @HeaderParam("webhook-id") String webhookId,
            @HeaderParam("webhook-timestamp") String webhookTimestamp,
            @HeaderParam("webhook-signature") String webhookSignature) {
        long limit = config.maxBodySize().asLongValue();
        if (contentLength != null && contentLength > WebhookBody.drainLimit(limit)) {
            throw tooLarge(limit, true);
        }
        WebhookSignature.Check check = signature.begin(new WebhookSignature.Credentials(
                gitlabSignature, gitlabToken, webhookId, webhookTimestamp, webhookSignature));
        WebhookBody body = new WebhookBody(stream, contentLength, check, limit, pace);
        Parsed<Trigger> parsed = null;
        InvalidPayloadException invalid = null;
        boolean whole;
        try (SlowBodyWatch.Running watched = slowBodies.start(request, body)) {
            if (check.refusedWhateverTheBody()) {
                // Nothing in the body can change the answer: none of it is read but what lets the sender read it.
                whole = body.drain(UNSIGNED_DRAIN);
            } else {
                try {
                    parsed = TriggerParser.parse(body, gitlab.defaultCheckId());
                } catch (InvalidPayloadException e) {
                    invalid = e;
                } catch (UncheckedIOException e) {
                    if (!body.tooLarge() && !body.tooSlow()) {
                        throw unreadable();
                    }
                }
                whole = body.drain(WebhookBody.drainLimit(limit));
            }
        } catch (IOException e) {
            if (!body.tooSlow()) {
                throw unreadable();
            }
            whole = false;
        }
        if (body.tooSlow()) {
            metrics.count("too-slow");
            throw new ProblemException(
                    408,
                    "too-slow",
                    "Request Timeout",
                    "the body came slower than policy-gate.webhook.min-body-rate, or not all of it within"
                            + " policy-gate.webhook.body-timeout; the connection is closed",
                    null);
        }
        if (body.tooLarge()) {
            throw tooLarge(limit, !whole);
        }
        // The signature decides before anything the body says: an unsigned body gets 401 whatever it holds.
        WebhookSignature.Decision decision = check.decision();
        if (decision instanceof WebhookSignature.Refused refused) {
            metrics.count("unauthorized");
            throw new ProblemException(401, "unauthenticated", "Unauthorized", refused.reason(), null, !whole);
        }
        // Only a signed webhook counts as being answered: the worker waits for those (WebhooksInProgress), so a
        // stranger's request, however slow, never holds evaluation back.
        inProgress.began();
        try {
            return accepted(parsed, invalid, ((WebhookSignature.Accepted) decision).deliveryId());
        } finally {
            inProgress.ended();
        }
    }

    private Response accepted(Parsed<Trigger> parsed, InvalidPayloadException invalid, Optional<String> deliveryId) {
        if (invalid != null) {
            metrics.count("invalid");
            throw invalid;
        }
        if (parsed instanceof Parsed.Ignored<Trigger> ignored) {
            metrics.count("ignored");
            return Response.ok(Map.of("state", "ignored", "reason", ignored.reason()))
                    .build();
        }
        Trigger trigger = ((Parsed.Actionable<Trigger>) parsed).value();
        Enqueued enqueued;
        // Only a signed webhook gets a span: a stranger's request costs no trace.
        Span intake = traces.span("intake", io.opentelemetry.context.Context.current())
                .setAttribute("gitlab.project_id", trigger.key().projectId())
                .setAttribute("gitlab.merge_request_iid", trigger.key().mergeRequestIid())
                .setAttribute("vcs.sha", Traces.shortSha(trigger.sha()))
                .startSpan();
        try (Scope scope = intake.makeCurrent()) {
            enqueued = jobs.enqueue(deliveryId.map(trigger::deliveredAs).orElse(trigger));
            intake.setAttribute("policy_gate.evaluation_id", enqueued.id());
        } catch (JournalUnavailableException e) {
            metrics.count("unavailable");
            throw e;
        } catch (RepeatedDeliveryException e) {
            // GitLab delivers a webhook again under the same webhook-id (its Idempotency-Key) when it saw no answer
            // to the first, and counts a refusal as a failed delivery towards disabling the hook: the repeat is
            // answered 2xx. A stranger's replay of a captured delivery gets the same answer and queues nothing.
            metrics.count("replayed");
            Map<String, Object> answer = new LinkedHashMap<>();
            e.jobId().ifPresent(id -> answer.put("evaluationId", id));
            answer.put("state", "ignored");
            answer.put(
                    "reason",
                    e.getMessage()
                            + ": a signed delivery is acted on once, and this one was (nothing is queued again)");
            return Response.ok(answer).build();
        } finally {
            intake.end();
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
    }

    private static ProblemException unreadable() {
        return new ProblemException(
                400, "unreadable-body", "Bad Request", "the body could not be read to its end", null);
    }

    /** 413, counted; {@code closing}: the body is not read to its end, so the connection ends with the answer. */
    private ProblemException tooLarge(long limit, boolean closing) {
        metrics.count("too-large");
        return new ProblemException(
                413,
                "too-large",
                "Content Too Large",
                "the body has more than " + limit + " bytes (policy-gate.webhook.max-body-size)"
                        + (closing ? "; the connection is closed" : ""),
                null,
                closing);
    }
}
