package io.policygate.journal;

import static io.policygate.journal.Jdbc.instant;
import static io.policygate.journal.Jdbc.timestamp;
import static io.policygate.journal.Jdbc.truncate;

import io.policygate.config.WebhookConfig;
import io.policygate.event.CheckKey;
import io.policygate.event.Trigger;
import io.policygate.tracing.Traces;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The queue of evaluation jobs: intake stores a job per webhook, workers lease the due ones, and each step's
 * outcome moves its job on. Every state change is a conditional UPDATE on (id, lease owner, expected state), so a
 * job superseded or re-leased meanwhile is never overwritten by a stale worker.
 */
@ApplicationScoped
public class JobQueue {

    /** The unfinished states, as SQL. */
    static final String UNFINISHED_STATES = "('queued','evaluating','reporting')";

    private static final String JOB_COLUMNS = "id, state, verdict, verdict_detail, attempts, next_attempt_at,"
            + " last_error, created_at, generation, tampered, trace_parent, " + Triggers.COLUMNS;

    /**
     * The columns of a {@link NewVerdict}, in the order of {@link #verdictValues}. A job once found tampered with
     * stays so: a later step of it, after policy-gate's own post, no longer sees the status it replaced.
     */
    private static final String VERDICT_ASSIGNMENTS = "verdict = ?, verdict_if_enforced = ?, verdict_detail = ?,"
            + " policy_files = ?, policy_source = ?, policy_commit = ?, facts = ?, tampered = COALESCE(?, tampered), project_path = COALESCE(?, project_path),"
            + " mr_title = COALESCE(?, mr_title), check_name = COALESCE(?, check_name), waivers = ?, attestation = ?";

    private final Jdbc jdbc;
    private final Clock clock;
    private final DurableIntake durable;
    private final Duration coalesce;
    private final AuditOutbox audit;

    @Inject
    public JobQueue(Jdbc jdbc, Clock clock, DurableIntake durable, WebhookConfig webhook, AuditOutbox audit) {
        this.jdbc = jdbc;
        this.audit = audit;
        this.clock = clock;
        this.durable = durable;
        this.coalesce = webhook.coalesce();
    }

    /**
     * Stores a job for the trigger unless an unfinished one exists for the same key and SHA: then that one's id
     * comes back, and its generation is bumped, so that a step of it that began before this webhook evaluates it
     * again rather than finishing it. An unfinished job for another SHA of the key is superseded. A new job is
     * due no sooner than {@code policy-gate.webhook.coalesce} after the key's latest evaluation began: however
     * many webhooks arrive, a key is evaluated at most once in that time. A trigger's delivery id (a signed
     * webhook's webhook-id) is stored in the same transaction: one that was stored before is a repeated delivery.
     *
     * @throws JournalUnavailableException when the job could not be made durable
     * @throws RepeatedDeliveryException when the delivery id was stored before; nothing is stored
     */
    public Enqueued enqueue(Trigger trigger) {
        Enqueued result = committed(trigger);
        // After the connection is back in the pool: the checkpoint that writes this commit needs one.
        durable.awaitWritten();
        return result;
    }

    private Enqueued committed(Trigger trigger) {
        JournalUnavailableException last = null;
        // A concurrent intake for the same key can win the unique active_key; the retry then sees its row.
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                return jdbc.inTransaction("cannot store the evaluation job", c -> {
                    if (trigger.deliveryId() != null) {
                        notReceivedBefore(c, trigger.deliveryId());
                    }
                    Enqueued enqueued = enqueueIn(c, trigger);
                    if (trigger.deliveryId() != null) {
                        Jdbc.update(
                                c,
                                "INSERT INTO webhook_delivery (id, received_at, job_id) VALUES (?, ?, ?)",
                                trigger.deliveryId(),
                                timestamp(clock.instant()),
                                enqueued.id());
                    }
                    return enqueued;
                });
            } catch (JournalUnavailableException e) {
                if (!(e.getCause() instanceof SQLException cause
                        && Jdbc.UNIQUE_VIOLATION.equals(cause.getSQLState()))) {
                    throw e;
                }
                last = e;
            }
        }
        throw last;
    }

    /** A delivery id stored before: a concurrent twin fails the unique key and is retried, then found here. */
    private static void notReceivedBefore(Connection c, String deliveryId) throws SQLException {
        Optional<Optional<String>> job = Jdbc.first(
                c,
                "SELECT job_id FROM webhook_delivery WHERE id = ?",
                rs -> Optional.ofNullable(rs.getString(1)),
                deliveryId);
        if (job.isPresent()) {
            throw new RepeatedDeliveryException(deliveryId, job.get());
        }
    }

    private Enqueued enqueueIn(Connection c, Trigger trigger) throws SQLException {
        CheckKey key = trigger.key();
        String activeKey = key.toString();
        Instant now = clock.instant();
        record Active(String id, String sha, JobState state) {}
        Optional<Active> active = Jdbc.first(
                c,
                "SELECT id, sha, state FROM evaluation_job WHERE active_key = ? FOR UPDATE",
                rs -> new Active(rs.getString(1), rs.getString(2), JobState.fromDb(rs.getString(3))),
                activeKey);
        if (active.isPresent()) {
            if (active.get().sha().equalsIgnoreCase(trigger.sha())) {
                Jdbc.update(
                        c,
                        "UPDATE evaluation_job SET generation = generation + 1 WHERE id = ?",
                        active.get().id());
                return new Enqueued(active.get().id(), active.get().state(), true);
            }
            supersede(c, active.get().id(), trigger.sha(), now);
        }
        Instant due = now;
        Optional<Instant> lastEvaluated = lastEvaluated(c, key);
        if (lastEvaluated.isPresent() && lastEvaluated.get().plus(coalesce).isAfter(now)) {
            due = lastEvaluated.get().plus(coalesce);
        }
        String id = EvaluationIds.next(now);
        Trigger.Names names = trigger.names();
        Jdbc.update(
                c,
                "INSERT INTO evaluation_job (id, project_id, mr_iid, check_id, sha, active_key, state, origin,"
                        + " trigger_action, delivery_id, project_path, mr_title, check_name, source_branch,"
                        + " target_branch, triggered_by, gitlab_status, next_attempt_at, created_at, updated_at,"
                        + " trace_parent) VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                id,
                key.projectId(),
                key.mergeRequestIid(),
                key.checkId(),
                trigger.sha(),
                activeKey,
                trigger.origin().dbName(),
                trigger.action(),
                trigger.deliveryId(),
                names.projectPath(),
                names.title(),
                names.checkName(),
                names.sourceBranch(),
                names.targetBranch(),
                names.triggeredBy(),
                trigger.gitlabStatus(),
                timestamp(due),
                timestamp(now),
                timestamp(now),
                // The request (or sweep) that queued the job, whose trace the job's steps continue.
                Traces.currentParent());
        return new Enqueued(id, JobState.QUEUED, false);
    }

    /**
     * When the key's newest job last began an evaluation. Jobs of a key follow each other, so the newest one's is
     * the latest; the index on (project, merge request, created_at) finds it without a scan.
     */
    private static Optional<Instant> lastEvaluated(Connection c, CheckKey key) throws SQLException {
        return Jdbc.first(
                c,
                "SELECT evaluated_at FROM evaluation_job WHERE project_id = ? AND mr_iid = ? AND check_id = ?"
                        + " ORDER BY created_at DESC LIMIT 1",
                rs -> instant(rs, 1),
                key.projectId(),
                key.mergeRequestIid(),
                key.checkId());
    }

    private static void supersede(Connection c, String id, String newerSha, Instant now) throws SQLException {
        Jdbc.update(
                c,
                "UPDATE evaluation_job SET state = 'superseded', active_key = NULL, next_attempt_at = NULL,"
                        + " lease_owner = NULL, lease_until = NULL, finished_at = ?, updated_at = ?, last_error = ?"
                        + " WHERE id = ?",
                timestamp(now),
                timestamp(now),
                "superseded by a newer commit " + newerSha,
                id);
    }

    /**
     * Leases one due, unfinished job to {@code owner}; a queued job becomes evaluating. Every step evaluates, so
     * the claim says when this evaluation began. Jobs whose lease expired (their process died) are due again.
     * The claim moves the job's due time to the end of its lease, which is when it is due again if its step never
     * records an outcome: a leased job then lies outside the range a claim scans. Otherwise every claim would pass
     * over every job in flight (policy-gate.worker.jobs-in-flight per replica), on H2 under its store's lock.
     */
    public Optional<Job> claimNext(String owner, Duration lease) {
        Instant now = clock.instant();
        return jdbc.inTransaction("cannot claim a job", c -> {
            // next_attempt_at is NULL for finished jobs: the index yields only unfinished ones, due first.
            Optional<String> id = new OldestDueRow(
                            "next_attempt_at BETWEEN ? AND ? AND (lease_until IS NULL"
                                    + " OR lease_until < ?) AND state IN " + UNFINISHED_STATES,
                            "next_attempt_at",
                            List.of(timestamp(Instant.EPOCH), timestamp(now), timestamp(now)),
                            "lease_owner = ?, lease_until = ?, next_attempt_at = ?, updated_at = ?, evaluated_at = ?,"
                                    + " state = CASE WHEN state = 'queued' THEN 'evaluating' ELSE state END",
                            List.of(
                                    owner,
                                    timestamp(now.plus(lease)),
                                    timestamp(now.plus(lease)),
                                    timestamp(now),
                                    timestamp(now)))
                    .take(c, jdbc.dialect());
            return id.isEmpty() ? Optional.<Job>empty() : find(c, id.get());
        });
    }

    /**
     * True while {@code owner} still holds the unfinished job it is evaluating: false once a newer SHA superseded
     * it, so that nothing is posted for the older one. A read, not a write: the verdict is stored with the
     * outcome of its report ({@link #recordReport}).
     */
    public boolean stillHeld(String id, String owner) {
        return jdbc.exists(
                "SELECT 1 FROM evaluation_job WHERE id = ? AND lease_owner = ? AND state IN ('evaluating','reporting')",
                id,
                owner);
    }

    /**
     * How many steps of the job in a row failed as {@code failure} says, this one not counted: 0 when the last
     * failure was another, or none.
     */
    public int stepFailuresLike(String id, String failure) {
        return jdbc.first(
                        "SELECT step_failures FROM evaluation_job WHERE id = ? AND step_failure = ?",
                        rs -> rs.getInt(1),
                        id,
                        truncate(failure))
                .orElse(0);
    }

    /**
     * Records a step of a job {@code owner} leased that failed unforeseen, the {@code inARow}-th alike, and hands the
     * lease back: the job is due again at {@code retryAt}, or ends dead (retryAt null) with the failure as reason.
     */
    public boolean recordStepFailure(String id, String owner, String failure, int inARow, Instant retryAt) {
        Instant now = clock.instant();
        String finished = retryAt == null ? "state = 'dead', active_key = NULL, finished_at = ?," : "";
        List<Object> parameters = new ArrayList<>();
        if (retryAt == null) {
            parameters.add(timestamp(now));
        }
        parameters.addAll(Arrays.asList(
                truncate(failure),
                inARow,
                timestamp(retryAt),
                truncate(
                        retryAt == null
                                ? "its step failed " + inARow + " times in a row the same way (" + failure
                                        + "); see the log" + " at those times, and policy-gate.worker.max-step-failures"
                                : "its step failed (" + failure + "); tried again at " + retryAt),
                timestamp(now),
                id,
                owner));
        return jdbc.update(
                        "UPDATE evaluation_job SET " + finished + " step_failure = ?, step_failures = ?,"
                                + " next_attempt_at = ?, last_error = ?, updated_at = ?, lease_owner = NULL,"
                                + " lease_until = NULL WHERE id = ? AND lease_owner = ? AND state IN "
                                + UNFINISHED_STATES,
                        parameters.toArray())
                == 1;
    }

    /** What became of a job when a step's outcome was recorded. */
    public enum Recorded {
        /** The job is where the outcome put it: finished, or waiting for its next attempt. */
        DONE,
        /**
         * GitLab took the verdict, but a webhook for the same commit arrived during the step: the facts may have
         * changed since they were read, so the job is evaluated again instead of finishing.
         */
        EVALUATE_AGAIN,
        /** The job was superseded or re-leased meanwhile; the attempt is kept. */
        LOST
    }

    /**
     * Stores a step's attempt and its consequence in one transaction: either the job ends in {@code finalState},
     * or (finalState null) it waits in reporting until {@code retryAt}. A job that would end reported although
     * its generation moved since it was claimed ({@link #enqueue}) is evaluated again at {@code evaluateAgainAt}
     * instead. A job that ends reported with {@code noteDue} has its merge request note written next (see
     * {@link NoteQueue#claimNote}). {@code verdict} is the verdict of this step, stored in the same write; null when the
     * step reached none (GitLab could not be read, the commit is no longer HEAD).
     */
    public Recorded recordReport(
            String id,
            String owner,
            int generation,
            ReportAttempt attempt,
            JobState finalState,
            Instant retryAt,
            boolean noteDue,
            NewVerdict verdict,
            Instant evaluateAgainAt) {
        Instant now = clock.instant();
        return jdbc.inTransaction("cannot record the report attempt", c -> {
            Jdbc.update(
                    c,
                    "INSERT INTO report_attempt (job_id, attempt, started_at, duration_ms, http_status, outcome,"
                            + " detail, posted_verdict) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    id,
                    attempt.attempt(),
                    timestamp(attempt.startedAt()),
                    attempt.durationMillis(),
                    attempt.httpStatus(),
                    attempt.outcome(),
                    truncate(attempt.detail()),
                    attempt.postedVerdict());
            Recorded recorded;
            if (finalState == JobState.REPORTED && generation(c, id) != generation) {
                recorded = updateLeased(
                                c,
                                id,
                                owner,
                                verdict,
                                "state = 'evaluating', attempts = ?, next_attempt_at = ?,"
                                        + " last_error = ?, updated_at = ?",
                                attempt.attempt(),
                                timestamp(evaluateAgainAt),
                                "evaluated again: a webhook for this commit arrived while it was evaluated",
                                timestamp(now))
                        ? Recorded.EVALUATE_AGAIN
                        : Recorded.LOST;
            } else {
                boolean updated = finalState != null
                        ? updateLeased(
                                c,
                                id,
                                owner,
                                verdict,
                                "state = ?, attempts = ?, active_key = NULL,"
                                        + " next_attempt_at = NULL, last_error = ?, finished_at = ?, updated_at = ?,"
                                        + " note_due_at = ?",
                                finalState.dbName(),
                                attempt.attempt(),
                                truncate(attempt.detail()),
                                timestamp(now),
                                timestamp(now),
                                noteDue && finalState == JobState.REPORTED ? timestamp(now) : null)
                        : updateLeased(
                                c,
                                id,
                                owner,
                                verdict,
                                "state = 'reporting', attempts = ?, next_attempt_at = ?,"
                                        + " last_error = ?, updated_at = ?",
                                attempt.attempt(),
                                timestamp(retryAt),
                                truncate(attempt.detail()),
                                timestamp(now));
                recorded = updated ? Recorded.DONE : Recorded.LOST;
            }
            boolean kept = recorded == Recorded.DONE && finalState == JobState.REPORTED;
            if (recorded == Recorded.LOST && verdict != null) {
                // Superseded while GitLab was asked: the history must still say which verdict was posted.
                List<Object> parameters = verdictValues(verdict);
                parameters.add(id);
                kept = Jdbc.update(
                                c,
                                "UPDATE evaluation_job SET " + VERDICT_ASSIGNMENTS
                                        + " WHERE id = ? AND verdict IS NULL",
                                parameters.toArray())
                        == 1;
            }
            // The decision record of a verdict GitLab took goes to the audit sink with the verdict, or not at all.
            if (kept && verdict != null && attempt.postedVerdict() != null) {
                audit.add(c, id, verdict);
            }
            return recorded;
        });
    }

    /** The job's generation, read with a lock so that no webhook bumps it before this transaction ends. */
    private static int generation(Connection c, String id) throws SQLException {
        return Jdbc.first(c, "SELECT generation FROM evaluation_job WHERE id = ? FOR UPDATE", rs -> rs.getInt(1), id)
                .orElse(-1);
    }

    private static List<Object> verdictValues(NewVerdict verdict) {
        return new ArrayList<>(Arrays.asList(
                verdict.status().wireName(),
                verdict.ifEnforced().wireName(),
                verdict.detail(),
                verdict.policyFiles(),
                truncate(verdict.policyOrigin().source()),
                verdict.policyOrigin().commit(),
                verdict.facts(),
                verdict.tampered(),
                truncate(verdict.names().projectPath()),
                truncate(verdict.names().title()),
                truncate(verdict.names().checkName()),
                verdict.waiversColumn(),
                verdict.attestation()));
    }

    /**
     * Updates an unfinished job {@code owner} leased, setting {@code assignments} and, with {@code verdict}, the
     * verdict it just reached, and hands the lease back.
     */
    private static boolean updateLeased(
            Connection c, String id, String owner, NewVerdict verdict, String assignments, Object... parameters)
            throws SQLException {
        List<Object> all = new ArrayList<>(Arrays.asList(parameters));
        StringBuilder sql = new StringBuilder("UPDATE evaluation_job SET ")
                .append(assignments)
                .append(", lease_owner = NULL, lease_until = NULL, step_failures = 0, step_failure = NULL");
        if (verdict != null) {
            sql.append(", ").append(VERDICT_ASSIGNMENTS);
            all.addAll(verdictValues(verdict));
        }
        sql.append(" WHERE id = ? AND lease_owner = ? AND state IN ('evaluating','reporting')");
        all.add(id);
        all.add(owner);
        return Jdbc.update(c, sql.toString(), all.toArray()) == 1;
    }

    /**
     * Moves a job's next attempt later without counting an attempt (GitLab is known to be down), storing
     * {@code verdict} when it was reached in this step (see {@link #recordReport}).
     */
    public boolean postpone(String id, String owner, Instant until, String reason, NewVerdict verdict) {
        return jdbc.inTransaction(
                "cannot postpone the report",
                c -> updateLeased(
                        c,
                        id,
                        owner,
                        verdict,
                        "state = 'reporting', next_attempt_at = ?, last_error = ?, updated_at = ?",
                        timestamp(until),
                        truncate(reason),
                        timestamp(clock.instant())));
    }

    public Optional<Job> find(String id) {
        return jdbc.withConnection("cannot read the journal", c -> find(c, id));
    }

    private static Optional<Job> find(Connection c, String id) throws SQLException {
        return Jdbc.first(
                c,
                "SELECT " + JOB_COLUMNS + " FROM evaluation_job WHERE id = ?",
                rs -> new Job(
                        rs.getString(1),
                        Triggers.read(rs, 12),
                        JobState.fromDb(rs.getString(2)),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getInt(5),
                        instant(rs, 6),
                        rs.getString(7),
                        instant(rs, 8),
                        rs.getInt(9),
                        rs.getString(10),
                        rs.getString(11)),
                id);
    }
}
