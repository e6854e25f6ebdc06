package io.policygate.gitlab;

import io.policygate.async.Stages;
import io.policygate.config.ServiceConfig;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jboss.logging.Logger;

/**
 * Gives GitLab a verdict: POST /projects/:id/merge_requests/:iid/status_check_responses. The only
 * place that posts statuses, and the one that honours dry-run. The circuit breaker is the caller's: a job's
 * whole step (its reads and this post) is one probe of GitLab. Asynchronous: the job waiting for GitLab's answer
 * holds no thread.
 */
@ApplicationScoped
public class StatusCheckReporter {

    private static final Logger LOG = Logger.getLogger(StatusCheckReporter.class);

    private final ServiceConfig service;
    private final GitLabApi api;
    private final Clock clock;
    private final StatusPosting posting;

    @Inject
    public StatusCheckReporter(ServiceConfig service, GitLabApi api, Clock clock, StatusPosting posting) {
        this.service = service;
        this.api = api;
        this.clock = clock;
        this.posting = posting;
    }

    public CompletionStage<ReportOutcome> report(StatusReport report) {
        StatusPosting.Posting posting = this.posting.postingFor(report.verdict());
        if (posting instanceof StatusPosting.Skip skip) {
            return CompletableFuture.completedFuture(new ReportOutcome.NotPosted(skip.reason()));
        }
        String status = ((StatusPosting.Post) posting).status();
        StatusCheckResponseBody body =
                new StatusCheckResponseBody(report.sha(), report.key().checkId(), status);
        if (service.dryRun()) {
            String would = "dry-run: would POST status " + status + " for " + report.sha() + " to project "
                    + report.key().projectId() + " MR !" + report.key().mergeRequestIid() + " check "
                    + report.key().checkId();
            LOG.info(would);
            return CompletableFuture.completedFuture(new ReportOutcome.NotPosted(would));
        }
        return Uni.createFrom()
                .deferred(() -> api.postStatusCheckResponse(
                        report.key().projectId(), report.key().mergeRequestIid(), body))
                .subscribeAsCompletionStage()
                .handle((response, failed) -> failed == null ? outcome(response) : noAnswer(failed));
    }

    private ReportOutcome outcome(Response response) {
        try (response) {
            String text = response.hasEntity() ? response.readEntity(String.class) : "";
            return ReportOutcome.fromResponse(
                    response.getStatus(), text, response.getHeaderString("Retry-After"), clock.instant());
        } catch (RuntimeException e) {
            return noAnswer(e);
        }
    }

    /**
     * ProcessingException for refused connections and timeouts; anything else the client throws is equally "no
     * answer from GitLab" and worth another try.
     */
    private ReportOutcome noAnswer(Throwable failed) {
        return ReportOutcome.fromFailure(Stages.cause(failed));
    }
}
