package io.policygate.gitlab;

import io.policygate.config.ServiceConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import org.jboss.logging.Logger;

/**
 * Gives GitLab a verdict: POST /projects/:id/merge_requests/:iid/status_check_responses. The only
 * place that posts statuses, and the one that honours dry-run. The circuit breaker is the caller's: a job's
 * whole step (its reads and this post) is one probe of GitLab.
 */
@ApplicationScoped
public class StatusCheckReporter {

    private static final Logger LOG = Logger.getLogger(StatusCheckReporter.class);

    private final ServiceConfig service;
    private final GitLabApi api;
    private final Clock clock;
    private final GitLabCallMetrics calls;
    private final StatusPosting posting;

    @Inject
    public StatusCheckReporter(
            ServiceConfig service, GitLabApi api, Clock clock, GitLabCallMetrics calls, StatusPosting posting) {
        this.service = service;
        this.api = api;
        this.clock = clock;
        this.calls = calls;
        this.posting = posting;
    }

    public ReportOutcome report(StatusReport report) {
        StatusPosting.Posting posting = this.posting.postingFor(report.verdict());
        if (posting instanceof StatusPosting.Skip skip) {
            return new ReportOutcome.NotPosted(skip.reason());
        }
        String status = ((StatusPosting.Post) posting).status();
        StatusCheckResponseBody body =
                new StatusCheckResponseBody(report.sha(), report.key().checkId(), status);
        if (service.dryRun()) {
            String would = "dry-run: would POST status " + status + " for " + report.sha() + " to project "
                    + report.key().projectId() + " MR !" + report.key().mergeRequestIid() + " check "
                    + report.key().checkId();
            LOG.info(would);
            return new ReportOutcome.NotPosted(would);
        }
        return post(report, body);
    }

    private ReportOutcome post(StatusReport report, StatusCheckResponseBody body) {
        try (Response response = api.postStatusCheckResponse(
                report.key().projectId(), report.key().mergeRequestIid(), body)) {
            String text = response.hasEntity() ? response.readEntity(String.class) : "";
            calls.count("status_check_responses", response.getStatus());
            return ReportOutcome.fromResponse(
                    response.getStatus(), text, response.getHeaderString("Retry-After"), clock.instant());
        } catch (RuntimeException e) {
            // ProcessingException for refused connections and timeouts; anything else the client throws
            // is equally "no answer from GitLab" and worth another try.
            calls.count("status_check_responses", null);
            return ReportOutcome.fromFailure(e);
        }
    }
}
