package io.policygate.note;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.policygate.async.BackgroundThread;
import io.policygate.config.ReportConfig;
import io.policygate.config.WorkerConfig;
import io.policygate.event.CheckKey;
import io.policygate.gitlab.GitLabCircuitBreaker;
import io.policygate.gitlab.GitLabPurpose;
import io.policygate.gitlab.MergeRequestNotes;
import io.policygate.journal.ClusterLease;
import io.policygate.journal.NoteQueue;
import io.policygate.journal.RetrySchedule;
import io.policygate.journal.WorkDue;
import io.policygate.policy.Verdict;
import io.policygate.policy.VerdictStatus;
import io.policygate.web.PagePaths;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Writes the merge request notes of reported verdicts, one at a time, on its own thread: a slow or failing
 * notes API never holds a worker, so it never delays a status report. Due notes live in the journal, so a
 * restart or a crashed replica leaves none unwritten.
 */
@ApplicationScoped
public class NoteWriter {

    private static final Logger LOG = Logger.getLogger(NoteWriter.class);
    /** A note is an explanation, not a verdict: after this many failed tries it is left as it is. */
    static final int MAX_ATTEMPTS = 5;

    private final NoteQueue queue;
    private final ClusterLease leases;
    private final MergeRequestNotes notes;
    private final VerdictNote note;
    private final GitLabCircuitBreaker breaker;
    private final RetrySchedule retrySchedule;
    private final ReportConfig report;
    private final PagePaths paths;
    private final WorkerConfig worker;
    private final ObjectMapper json;
    private final Clock clock;
    private final MeterRegistry metrics;
    private final String owner;
    private final Semaphore wakeUps = new Semaphore(0);
    private final BackgroundThread background = new BackgroundThread("policy-gate-notes");

    @Inject
    public NoteWriter(
            NoteQueue queue,
            ClusterLease leases,
            MergeRequestNotes notes,
            VerdictNote note,
            GitLabCircuitBreaker breaker,
            RetrySchedule retrySchedule,
            ReportConfig report,
            PagePaths paths,
            WorkerConfig worker,
            ObjectMapper json,
            Clock clock,
            MeterRegistry metrics) {
        this.queue = queue;
        this.leases = leases;
        this.notes = notes;
        this.note = note;
        this.breaker = breaker;
        this.retrySchedule = retrySchedule;
        this.report = report;
        this.paths = paths;
        this.worker = worker;
        this.json = json;
        this.clock = clock;
        this.metrics = metrics;
        this.owner = ManagementFactory.getRuntimeMXBean().getName() + "/notes-"
                + UUID.randomUUID().toString().substring(0, 8);
    }

    void onStart(@Observes StartupEvent start) {
        if (!report.comment().writesNotes()) {
            return;
        }
        background.start(this::work);
    }

    void onStop(@Observes ShutdownEvent stop) {
        if (background.stop(worker.shutdownGrace(), wakeUps::release)) {
            leases.releaseAll(owner);
        }
    }

    /** A verdict with a due note was just reported: the writer takes it now rather than at the next poll. */
    void onWorkDue(@Observes WorkDue due) {
        if (due == WorkDue.NOTE) {
            wakeUps.release();
        }
    }

    private void work() {
        while (background.running()) {
            try {
                Optional<NoteQueue.DueNote> note =
                        breaker.holding() ? Optional.empty() : queue.claimNote(owner, worker.lease());
                if (note.isPresent()) {
                    write(note.get());
                } else {
                    wakeUps.tryAcquire(worker.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // The note keeps its lease until it expires and is then tried again; the writer lives on.
                LOG.error("Writing a merge request note failed; it is tried again when its lease expires", e);
                sleep();
            }
        }
    }

    /** The lease a replica holds while it writes the note of one merge request's status check. */
    static String leaseName(CheckKey key) {
        return "note:" + key.projectId() + "/" + key.mergeRequestIid() + "/" + key.checkId();
    }

    private void write(NoteQueue.DueNote due) {
        // Replicas write notes independently; two writing one merge request's note at once could each find
        // none and create one. One at a time, the second finds the first's note and updates it. A write takes
        // a few GitLab calls, each bounded by the read timeout, well inside the lease.
        String lease = leaseName(due.key());
        if (!leases.acquire(lease, owner, worker.lease())) {
            queue.recordNote(
                    due.id(),
                    owner,
                    "waiting: another replica is writing this merge request's note",
                    false,
                    clock.instant().plus(worker.pollInterval()));
            return;
        }
        try {
            writeHoldingTheLease(due);
        } finally {
            leases.release(lease, owner);
        }
    }

    private void writeHoldingTheLease(NoteQueue.DueNote due) {
        if (queue.reportedAfter(due.key(), due.finishedAt())) {
            finish(due, "skipped", "not written: a newer verdict was reported for this merge request");
            return;
        }
        Verdict verdict = verdict(due);
        boolean tampered = due.tampered() != null;
        String body = note.markdown(
                new VerdictNote.Subject(
                        due.key().checkId(),
                        due.checkName(),
                        due.sha(),
                        due.id(),
                        due.finishedAt(),
                        tampered,
                        due.policyOrigin()),
                verdict,
                paths.address("/evaluations/" + due.id()),
                preview -> paths.address("/preview/" + preview));
        MergeRequestNotes.Outcome outcome = GitLabPurpose.during(
                GitLabPurpose.NOTE,
                () -> notes.write(
                        due.key(),
                        body,
                        report.comment()
                                .creates(
                                        verdict.status() == VerdictStatus.FAILED,
                                        tampered,
                                        !verdict.waiverIds().isEmpty() || verdict.impact() != null)));
        if (outcome instanceof MergeRequestNotes.Outcome.Transient t) {
            retryOrGiveUp(due, t);
        } else if (outcome instanceof MergeRequestNotes.Outcome.Rejected r) {
            LOG.warnf("The note of %s was not written (its status report is not affected): %s", due.key(), r.detail());
            finish(due, "failed", r.detail());
        } else {
            finish(
                    due,
                    outcome instanceof MergeRequestNotes.Outcome.Written ? "written" : "not-needed",
                    outcome.detail());
        }
    }

    private void retryOrGiveUp(NoteQueue.DueNote due, MergeRequestNotes.Outcome.Transient failure) {
        int attempt = due.attempts() + 1;
        if (attempt >= MAX_ATTEMPTS) {
            LOG.warnf("The note of %s was not written after %d attempts: %s", due.key(), attempt, failure.detail());
            finish(due, "failed", failure.detail() + "; gave up after " + attempt + " attempts");
            return;
        }
        Instant retryAt = clock.instant().plus(retrySchedule.delayAfter(attempt, failure.retryAfter()));
        metrics.counter("policy_gate_mr_notes", "outcome", "retried").increment();
        queue.recordNote(due.id(), owner, failure.detail() + "; next attempt at " + retryAt, true, retryAt);
    }

    private void finish(NoteQueue.DueNote due, String outcome, String detail) {
        metrics.counter("policy_gate_mr_notes", "outcome", outcome).increment();
        queue.recordNote(due.id(), owner, detail, !outcome.equals("skipped"), null);
    }

    private Verdict verdict(NoteQueue.DueNote due) {
        try {
            return json.readValue(due.verdictDetail(), Verdict.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the journal stores verdicts it wrote itself", e);
        }
    }

    private void sleep() {
        try {
            Thread.sleep(worker.pollInterval().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
