package io.policygate.coverage;

import io.policygate.config.ComplianceConfig;
import io.policygate.gitlab.ExternalControlStatus;
import io.policygate.gitlab.GitLabAnswer;
import io.policygate.gitlab.GitLabPurpose;
import io.policygate.journal.EvaluationRecords;
import io.policygate.journal.ExternalControlRequests;
import io.policygate.journal.PostureRecords.Posture;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Answers GitLab's compliance centre: for each external-control request in the journal, judges the project's gate
 * posture afresh from GitLab ({@link GatePosture}: the request's body is not evidence) and sets the control's status,
 * pass when the posture is ok, fail otherwise. A transient failure is tried again, signed afresh, until GitLab's 30
 * minutes for a pending control have passed (TimeoutPendingExternalControlsWorker fails it after 31); a refusal is
 * logged with what to fix and not tried again.
 */
@ApplicationScoped
public class ExternalControlReporter {

    private static final Logger LOG = Logger.getLogger(ExternalControlReporter.class);
    /** GitLab fails a control still pending this long after it asked. */
    static final Duration GITLAB_WAITS = Duration.ofMinutes(30);
    /** One request's lease: a judgement (two reads) and one call, with room. */
    private static final Duration LEASE = Duration.ofMinutes(2);

    private static final Duration FIRST_RETRY = Duration.ofSeconds(2);
    private static final Duration LONGEST_RETRY = Duration.ofMinutes(5);
    /** Requests answered per run; the rest wait a second. */
    private static final int PER_RUN = 20;

    private final ExternalControlRequests requests;
    private final GatePosture posture;
    private final EvaluationRecords records;
    private final ExternalControlStatus status;
    private final ComplianceConfig config;
    private final Clock clock;
    private volatile boolean stopping;
    private final String owner = ManagementFactory.getRuntimeMXBean().getName() + "/controls-"
            + UUID.randomUUID().toString().substring(0, 8);

    @Inject
    public ExternalControlReporter(
            ExternalControlRequests requests,
            GatePosture posture,
            EvaluationRecords records,
            ExternalControlStatus status,
            ComplianceConfig config,
            Clock clock) {
        this.requests = requests;
        this.posture = posture;
        this.records = records;
        this.status = status;
        this.config = config;
        this.clock = clock;
    }

    /**
     * A stop lets a request in progress finish but claims no other: the journal's pool closes soon after (a claim
     * then would fail with an error in the log of a clean stop).
     */
    void onStop(@Observes ShutdownEvent stop) {
        stopping = true;
    }

    @Scheduled(every = "1s", delayed = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void reportDue() {
        if (config.secret().isEmpty() && config.secrets().isEmpty()) {
            // Without a secret no request can have been accepted: nothing to look for in the journal.
            return;
        }
        for (int i = 0; i < PER_RUN && !stopping; i++) {
            Optional<ExternalControlRequests.Due> due = requests.claim(owner, LEASE);
            if (due.isEmpty()) {
                return;
            }
            GitLabPurpose.during(GitLabPurpose.CONTROL, () -> report(due.get()));
        }
    }

    private void report(ExternalControlRequests.Due due) {
        Instant now = clock.instant();
        Instant deadline = due.receivedAt().plus(GITLAB_WAITS);
        Optional<String> secret = config.secretNamed(due.secretName());
        if (secret.isEmpty()) {
            finish(
                    due,
                    "refused",
                    null,
                    "its secret (" + (due.secretName() == null ? "unnamed" : due.secretName())
                            + ") is no longer configured");
            return;
        }
        Posture judged;
        try {
            judged = posture.judge(due.projectId(), records.checksSeen(due.projectId()));
        } catch (RuntimeException e) {
            retry(due, deadline, now, "the project's posture could not be judged: " + e.getMessage(), null);
            return;
        }
        GitLabAnswer answer = status.set(due.projectId(), due.controlId(), judged.ok(), secret.get());
        String verdict = judged.ok() ? "pass" : "fail";
        if (answer instanceof GitLabAnswer.Success) {
            String detail = judged.ok() ? "posture ok" : String.join("; ", judged.problems());
            finish(due, "reported", verdict, detail);
            LOG.infof(
                    "External control %d of project %d set to %s: %s",
                    due.controlId(), due.projectId(), verdict, detail);
        } else if (answer instanceof GitLabAnswer.Transient t) {
            retry(due, deadline, now, t.detail(), t.retryAfter());
        } else {
            String detail = answer instanceof GitLabAnswer.Refused refused
                    ? refused.detail()
                    : ((GitLabAnswer.Superseded) answer).detail();
            finish(due, "refused", verdict, detail);
            LOG.warnf(
                    "GitLab refused the status of external control %d of project %d: %s",
                    due.controlId(), due.projectId(), detail);
        }
    }

    private void retry(ExternalControlRequests.Due due, Instant deadline, Instant now, String why, Duration hint) {
        Duration backoff = FIRST_RETRY.multipliedBy(1L << Math.min(due.attempts(), 6));
        Duration wait = hint != null && hint.compareTo(backoff) > 0 ? hint : backoff;
        Instant next = now.plus(wait.compareTo(LONGEST_RETRY) > 0 ? LONGEST_RETRY : wait);
        if (!next.isBefore(deadline)) {
            finish(due, "expired", null, "GitLab's 30 minutes passed; the last try: " + why);
            LOG.warnf(
                    "External control %d of project %d: no status set within GitLab's 30 minutes (%s); GitLab shows it"
                            + " failed until it asks again",
                    due.controlId(), due.projectId(), why);
            return;
        }
        requests.attempted(due, owner, "due", null, why, next);
    }

    private void finish(ExternalControlRequests.Due due, String state, String verdict, String detail) {
        requests.attempted(due, owner, state, verdict, detail, null);
    }
}
