package io.policygate.journal;

import io.policygate.config.WebhookConfig;
import io.policygate.event.CheckKey;
import io.policygate.event.MergeRequestEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.sql.DataSource;

/**
 * The durable job journal. Every state change is a conditional UPDATE on (id, lease owner, expected
 * state), so a job superseded or re-leased meanwhile is never overwritten by a stale worker.
 */
@ApplicationScoped
public class JournalStore {

    private static final String UNIQUE_VIOLATION = "23505";
    private static final String UNFINISHED_STATES = "('queued','evaluating','reporting')";
    private static final String JOB_COLUMNS = "id, project_id, mr_iid, check_id, sha, state, payload, verdict,"
            + " verdict_detail, attempts, next_attempt_at, last_error, created_at, generation, tampered";
    /** The columns {@link #evaluation(ResultSet)} reads, in its order. */
    private static final String EVALUATION_COLUMNS = "id, project_id, mr_iid, check_id, sha, state, verdict,"
            + " verdict_detail, policy_files, attempts, last_error, created_at, finished_at, payload, note_result,"
            + " verdict_if_enforced, facts, tampered";

    /**
     * The columns of a {@link NewVerdict}, in the order of {@link #verdictValues}. A job once found tampered with
     * stays so: a later step of it, after policy-gate's own post, no longer sees the status it replaced.
     */
    private static final String VERDICT_ASSIGNMENTS = "verdict = ?, verdict_if_enforced = ?, verdict_detail = ?,"
            + " policy_files = ?, facts = ?, tampered = COALESCE(?, tampered)";

    /** Unlocked candidates read per claim where FOR UPDATE SKIP LOCKED is not used (H2). */
    private static final int CLAIM_CANDIDATES = 8;

    private final DataSource dataSource;
    private final Clock clock;
    private final DurableIntake durable;
    private final Duration coalesce;
    /** Whether the journal is PostgreSQL (known after the first claim). */
    private volatile Boolean postgres;

    @Inject
    public JournalStore(
            @JournalDataSource.Journal DataSource dataSource,
            Clock clock,
            DurableIntake durable,
            WebhookConfig webhook) {
        this.dataSource = dataSource;
        this.clock = clock;
        this.durable = durable;
        this.coalesce = webhook.coalesce();
    }

    /**
     * Stores a job for the event unless an unfinished one exists for the same key and SHA: then that one's id
     * comes back, and its generation is bumped, so that a step of it that began before this webhook evaluates it
     * again rather than finishing it. An unfinished job for another SHA of the key is superseded. A new job is
     * due no sooner than {@code policy-gate.webhook.coalesce} after the key's latest evaluation began: however
     * many webhooks arrive, a key is evaluated at most once in that time. A {@code deliveryId} (a signed webhook's
     * webhook-id) is stored with the job, in the same transaction: one that was stored before is a replay.
     *
     * @throws JournalUnavailableException when the job could not be made durable
     * @throws RepeatedDeliveryException when the delivery id was stored before; nothing is stored
     */
    public Enqueued enqueue(MergeRequestEvent event, String payload, Optional<String> deliveryId) {
        Enqueued result = committed(event, payload, deliveryId);
        // After the connection is back in the pool: the checkpoint that writes this commit needs one.
        durable.awaitWritten();
        return result;
    }

    private Enqueued committed(MergeRequestEvent event, String payload, Optional<String> deliveryId) {
        JournalUnavailableException last = null;
        // A concurrent intake for the same key can win the unique active_key; the retry then sees its row.
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                return inTransaction("cannot store the evaluation job", c -> {
                    if (deliveryId.isPresent()) {
                        received(c, deliveryId.get());
                    }
                    return enqueueIn(c, event, payload);
                });
            } catch (JournalUnavailableException e) {
                if (!(e.getCause() instanceof SQLException cause && UNIQUE_VIOLATION.equals(cause.getSQLState()))) {
                    throw e;
                }
                last = e;
            }
        }
        throw last;
    }

    /** Records a delivery id; a concurrent twin fails the unique key and is retried, then found here. */
    private void received(Connection c, String deliveryId) throws SQLException {
        if (exists(c, "SELECT 1 FROM webhook_delivery WHERE id = ?", deliveryId)) {
            throw new RepeatedDeliveryException(deliveryId);
        }
        update(
                c,
                "INSERT INTO webhook_delivery (id, received_at) VALUES (?, ?)",
                deliveryId,
                timestamp(clock.instant()));
    }

    private Enqueued enqueueIn(Connection c, MergeRequestEvent event, String payload) throws SQLException {
        String activeKey = event.key().toString();
        Instant now = clock.instant();
        try (PreparedStatement select =
                c.prepareStatement("SELECT id, sha, state FROM evaluation_job WHERE active_key = ? FOR UPDATE")) {
            select.setString(1, activeKey);
            try (ResultSet rs = select.executeQuery()) {
                if (rs.next()) {
                    String id = rs.getString(1);
                    if (rs.getString(2).equalsIgnoreCase(event.sha())) {
                        update(c, "UPDATE evaluation_job SET generation = generation + 1 WHERE id = ?", id);
                        return new Enqueued(id, JobState.fromDb(rs.getString(3)), true);
                    }
                    supersede(c, id, event.sha(), now);
                }
            }
        }
        Instant due = now;
        Optional<Instant> lastEvaluated = lastEvaluated(c, event.key());
        if (lastEvaluated.isPresent() && lastEvaluated.get().plus(coalesce).isAfter(now)) {
            due = lastEvaluated.get().plus(coalesce);
        }
        String id = EvaluationIds.next(now);
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO evaluation_job (id, project_id, mr_iid,"
                + " check_id, sha, active_key, state, payload, next_attempt_at, created_at, updated_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?)")) {
            insert.setString(1, id);
            insert.setLong(2, event.projectId());
            insert.setLong(3, event.iid());
            insert.setLong(4, event.statusCheckId());
            insert.setString(5, event.sha());
            insert.setString(6, activeKey);
            insert.setString(7, payload);
            insert.setObject(8, timestamp(due));
            insert.setObject(9, timestamp(now));
            insert.setObject(10, timestamp(now));
            insert.executeUpdate();
        }
        return new Enqueued(id, JobState.QUEUED, false);
    }

    /**
     * When the key's newest job last began an evaluation. Jobs of a key follow each other, so the newest one's is
     * the latest; the index on (project, merge request, created_at) finds it without a scan.
     */
    private static Optional<Instant> lastEvaluated(Connection c, CheckKey key) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT evaluated_at FROM evaluation_job WHERE"
                + " project_id = ? AND mr_iid = ? AND check_id = ? ORDER BY created_at DESC LIMIT 1")) {
            bind(select, key.projectId(), key.mergeRequestIid(), key.checkId());
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? Optional.ofNullable(instant(rs, 1)) : Optional.empty();
            }
        }
    }

    private static void supersede(Connection c, String id, String newerSha, Instant now) throws SQLException {
        try (PreparedStatement update = c.prepareStatement("UPDATE evaluation_job SET state = 'superseded',"
                + " active_key = NULL, next_attempt_at = NULL, lease_owner = NULL, lease_until = NULL, finished_at = ?,"
                + " updated_at = ?,"
                + " last_error = ? WHERE id = ?")) {
            update.setObject(1, timestamp(now));
            update.setObject(2, timestamp(now));
            update.setString(3, "superseded by a newer commit " + newerSha);
            update.setString(4, id);
            update.executeUpdate();
        }
    }

    /**
     * Leases one due, unfinished job to {@code owner}; a queued job becomes evaluating. Every step evaluates, so
     * the claim says when this evaluation began. Jobs whose lease expired (their process died) are due again.
     */
    public Optional<Job> claimNext(String owner, Duration lease) {
        Instant now = clock.instant();
        return inTransaction("cannot claim a job", c -> {
            // next_attempt_at is NULL for finished jobs: the index yields only unfinished ones, due first.
            Optional<String> id = lease(
                    c,
                    "next_attempt_at BETWEEN ? AND ? AND (lease_until IS NULL" + " OR lease_until < ?) AND state IN "
                            + UNFINISHED_STATES,
                    "next_attempt_at",
                    List.of(timestamp(Instant.EPOCH), timestamp(now), timestamp(now)),
                    "lease_owner = ?, lease_until = ?, updated_at = ?, evaluated_at = ?,"
                            + " state = CASE WHEN state = 'queued' THEN 'evaluating' ELSE state END",
                    List.of(owner, timestamp(now.plus(lease)), timestamp(now), timestamp(now)));
            return id.isEmpty() ? Optional.<Job>empty() : find(c, id.get());
        });
    }

    @FunctionalInterface
    private interface Transaction<T> {
        T run(Connection c) throws SQLException;
    }

    /** Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. */
    private <T> T inTransaction(String failure, Transaction<T> work) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new JournalUnavailableException(failure, e);
        }
    }

    /**
     * Leases the oldest row (by {@code order}) that {@code due} selects, setting {@code claim}; empty when
     * none is due or free. On PostgreSQL, SELECT ... FOR UPDATE SKIP LOCKED lets the workers of several
     * replicas claim at once without waiting on each other. H2 locks every matching row for FOR UPDATE,
     * so there a claim would cost more the longer the backlog (16 ms at 10,000 queued jobs, against
     * 0.05 ms without the lock): a few candidates are read unlocked instead and taken by a conditional
     * UPDATE that only one claimer can win. {@code due} bounds its time column from below (BETWEEN epoch
     * and now): H2 sorts NULLs first in an index, and finished rows, NULL there, would otherwise be scanned
     * on every claim (0.9 ms against 0.03 ms at 20,000 finished jobs).
     */
    private Optional<String> lease(
            Connection c,
            String due,
            String order,
            List<Object> dueParameters,
            String claim,
            List<Object> claimParameters)
            throws SQLException {
        boolean skipLocked = skipLocked(c);
        List<String> candidates = new ArrayList<>();
        try (PreparedStatement select = c.prepareStatement("SELECT id FROM evaluation_job WHERE " + due + " ORDER BY "
                + order + " LIMIT " + (skipLocked ? "1 FOR UPDATE SKIP LOCKED" : CLAIM_CANDIDATES))) {
            bind(select, dueParameters.toArray());
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    candidates.add(rs.getString(1));
                }
            }
        }
        for (String id : candidates) {
            List<Object> parameters = new ArrayList<>(claimParameters);
            parameters.add(id);
            String taken = "UPDATE evaluation_job SET " + claim + " WHERE id = ?";
            if (!skipLocked) {
                // Another claimer may have taken it since the unlocked read: the row must still be due.
                taken += " AND " + due;
                parameters.addAll(dueParameters);
            }
            if (update(c, taken, parameters.toArray()) == 1) {
                return Optional.of(id);
            }
        }
        return Optional.empty();
    }

    private boolean skipLocked(Connection c) throws SQLException {
        Boolean known = postgres;
        if (known == null) {
            known = c.getMetaData().getDatabaseProductName().equalsIgnoreCase("PostgreSQL");
            postgres = known;
        }
        return known;
    }

    /**
     * True while {@code owner} still holds the unfinished job it is evaluating: false once a newer SHA superseded
     * it, so that nothing is posted for the older one. A read, not a write: the verdict is stored with the
     * outcome of its report ({@link #recordReport}).
     */
    public boolean stillHeld(String id, String owner) {
        return exists("id = ? AND lease_owner = ? AND state IN ('evaluating','reporting')", id, owner);
    }

    /** One page of the history, newest first. */
    public record HistoryPage(List<Evaluation> evaluations, String nextCursor) {}

    /** A journal row as the history shows it. */
    public record Evaluation(
            String id,
            CheckKey key,
            String sha,
            JobState state,
            String verdict,
            String verdictDetail,
            String policyFiles,
            int attempts,
            String lastError,
            Instant createdAt,
            Instant finishedAt,
            String payload,
            String noteResult,
            String verdictIfEnforced,
            String facts,
            String tampered) {}

    /**
     * Filters of the history; null means any. {@code tampered}: only evaluations that found a status policy-gate
     * had not given. {@code before} is the cursor: created_at and id of the last row seen.
     */
    public record HistoryQuery(
            Long projectId,
            Long mergeRequestIid,
            JobState state,
            String verdict,
            String verdictIfEnforced,
            boolean tampered,
            int limit,
            Instant beforeCreatedAt,
            String beforeId) {}

    public HistoryPage history(HistoryQuery query) {
        StringBuilder sql = new StringBuilder("SELECT " + EVALUATION_COLUMNS + " FROM evaluation_job WHERE 1 = 1");
        List<Object> parameters = new ArrayList<>();
        if (query.projectId() != null) {
            sql.append(" AND project_id = ?");
            parameters.add(query.projectId());
        }
        if (query.mergeRequestIid() != null) {
            sql.append(" AND mr_iid = ?");
            parameters.add(query.mergeRequestIid());
        }
        if (query.state() != null) {
            sql.append(" AND state = ?");
            parameters.add(query.state().dbName());
        }
        if (query.verdict() != null) {
            sql.append(" AND verdict = ?");
            parameters.add(query.verdict());
        }
        if (query.verdictIfEnforced() != null) {
            sql.append(" AND verdict_if_enforced = ?");
            parameters.add(query.verdictIfEnforced());
        }
        if (query.tampered()) {
            sql.append(" AND tampered IS NOT NULL");
        }
        if (query.beforeCreatedAt() != null) {
            sql.append(" AND (created_at < ? OR (created_at = ? AND id < ?))");
            parameters.add(timestamp(query.beforeCreatedAt()));
            parameters.add(timestamp(query.beforeCreatedAt()));
            parameters.add(query.beforeId());
        }
        sql.append(" ORDER BY created_at DESC, id DESC LIMIT ").append(query.limit() + 1);
        try (Connection c = dataSource.getConnection();
                PreparedStatement select = c.prepareStatement(sql.toString())) {
            bind(select, parameters.toArray());
            List<Evaluation> rows = new ArrayList<>();
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    rows.add(evaluation(rs));
                }
            }
            if (rows.size() <= query.limit()) {
                return new HistoryPage(rows, null);
            }
            List<Evaluation> page = rows.subList(0, query.limit());
            Evaluation last = page.get(page.size() - 1);
            return new HistoryPage(List.copyOf(page), last.createdAt() + "|" + last.id());
        } catch (SQLException e) {
            throw new JournalUnavailableException("cannot read the journal", e);
        }
    }

    public Optional<Evaluation> evaluation(String id) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement select =
                        c.prepareStatement("SELECT " + EVALUATION_COLUMNS + " FROM evaluation_job WHERE id = ?")) {
            select.setString(1, id);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? Optional.of(evaluation(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new JournalUnavailableException("cannot read the journal", e);
        }
    }

    /**
     * Dead evaluations that nothing has replaced yet (no later job for the same merge request and check):
     * the merge requests still waiting for someone to fix what stopped their report. Newest first.
     */
    public List<Evaluation> unresolvedDeadLetters(int limit) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement select = c.prepareStatement("SELECT " + EVALUATION_COLUMNS
                        + " FROM evaluation_job d WHERE state = 'dead' AND NOT EXISTS (SELECT 1 FROM"
                        + " evaluation_job n WHERE n.project_id = d.project_id AND n.mr_iid = d.mr_iid"
                        + " AND n.check_id = d.check_id AND n.created_at > d.created_at)"
                        + " ORDER BY created_at DESC LIMIT " + limit)) {
            List<Evaluation> rows = new ArrayList<>();
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    rows.add(evaluation(rs));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new JournalUnavailableException("cannot read the journal", e);
        }
    }

    private static Evaluation evaluation(ResultSet rs) throws SQLException {
        return new Evaluation(
                rs.getString(1),
                new CheckKey(rs.getLong(2), rs.getLong(3), rs.getLong(4)),
                rs.getString(5),
                JobState.fromDb(rs.getString(6)),
                rs.getString(7),
                rs.getString(8),
                rs.getString(9),
                rs.getInt(10),
                rs.getString(11),
                instant(rs, 12),
                instant(rs, 13),
                rs.getString(14),
                rs.getString(15),
                rs.getString(16),
                rs.getString(17),
                rs.getString(18));
    }

    /**
     * Deletes finished evaluations (and their attempts) older than {@code before}, and delivery ids received before
     * {@code deliveriesBefore}; returns how many evaluations.
     */
    public int prune(Instant before, Instant deliveriesBefore) {
        return inTransaction("cannot prune the journal", c -> {
            update(c, "DELETE FROM webhook_delivery WHERE received_at < ?", timestamp(deliveriesBefore));
            String finished = "state IN ('reported','superseded','dead') AND finished_at < ?";
            update(
                    c,
                    "DELETE FROM report_attempt WHERE job_id IN (SELECT id FROM evaluation_job WHERE " + finished + ")",
                    timestamp(before));
            return update(c, "DELETE FROM evaluation_job WHERE " + finished, timestamp(before));
        });
    }

    /** Ends a job that cannot be evaluated at all (its stored payload is unusable). */
    public boolean abandon(String id, String owner, String reason) {
        Instant now = clock.instant();
        return update(
                        "UPDATE evaluation_job SET state = 'dead', active_key = NULL, next_attempt_at = NULL, lease_owner = NULL,"
                                + " lease_until = NULL, last_error = ?, finished_at = ?, updated_at = ?"
                                + " WHERE id = ? AND lease_owner = ? AND state IN " + UNFINISHED_STATES,
                        truncate(reason),
                        timestamp(now),
                        timestamp(now),
                        id,
                        owner)
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
     * {@link #claimNote}). {@code verdict} is the verdict of this step, stored in the same write; null when the
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
        return inTransaction("cannot record the report attempt", c -> {
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO report_attempt (job_id, attempt,"
                    + " started_at, duration_ms, http_status, outcome, detail, posted_verdict)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, id);
                insert.setInt(2, attempt.attempt());
                insert.setObject(3, timestamp(attempt.startedAt()));
                insert.setLong(4, attempt.durationMillis());
                insert.setObject(5, attempt.httpStatus());
                insert.setString(6, attempt.outcome());
                insert.setString(7, truncate(attempt.detail()));
                insert.setString(8, attempt.postedVerdict());
                insert.executeUpdate();
            }
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
            if (recorded == Recorded.LOST && verdict != null) {
                // Superseded while GitLab was asked: the history must still say which verdict was posted.
                List<Object> parameters = verdictValues(verdict);
                parameters.add(id);
                update(
                        c,
                        "UPDATE evaluation_job SET " + VERDICT_ASSIGNMENTS + " WHERE id = ? AND verdict IS NULL",
                        parameters.toArray());
            }
            return recorded;
        });
    }

    /** The job's generation, read with a lock so that no webhook bumps it before this transaction ends. */
    private static int generation(Connection c, String id) throws SQLException {
        try (PreparedStatement select =
                c.prepareStatement("SELECT generation FROM evaluation_job WHERE id = ? FOR UPDATE")) {
            select.setString(1, id);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? rs.getInt(1) : -1;
            }
        }
    }

    private static List<Object> verdictValues(NewVerdict verdict) {
        return new ArrayList<>(Arrays.asList(
                verdict.verdict(),
                verdict.verdictIfEnforced(),
                verdict.detail(),
                verdict.policyFiles(),
                verdict.facts(),
                verdict.tampered()));
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
                .append(", lease_owner = NULL, lease_until = NULL");
        if (verdict != null) {
            sql.append(", ").append(VERDICT_ASSIGNMENTS);
            all.addAll(verdictValues(verdict));
        }
        sql.append(" WHERE id = ? AND lease_owner = ? AND state IN ('evaluating','reporting')");
        all.add(id);
        all.add(owner);
        return update(c, sql.toString(), all.toArray()) == 1;
    }

    /**
     * A reported verdict whose merge request note is due, leased to one writer. {@code facts}: the JSON of the facts
     * the verdict was computed from (null when the webhook's body stood in); {@code tampered}: what the job found
     * GitLab showing that policy-gate had not given, or null.
     */
    public record DueNote(
            String id,
            CheckKey key,
            String sha,
            String verdictDetail,
            String payload,
            String facts,
            int attempts,
            Instant finishedAt,
            String tampered) {}

    /**
     * Leases the next due note to {@code owner}. A finished job's lease columns are free, so notes use them:
     * one writer per note across replicas, and a crashed writer's lease expires to another.
     */
    public Optional<DueNote> claimNote(String owner, Duration lease) {
        Instant now = clock.instant();
        return inTransaction("cannot claim a note", c -> {
            Optional<String> id = lease(
                    c,
                    "note_due_at BETWEEN ? AND ? AND (lease_until IS NULL" + " OR lease_until < ?)",
                    "note_due_at",
                    List.of(timestamp(Instant.EPOCH), timestamp(now), timestamp(now)),
                    "lease_owner = ?, lease_until = ?",
                    List.of(owner, timestamp(now.plus(lease))));
            Optional<DueNote> note = Optional.empty();
            if (id.isPresent()) {
                try (PreparedStatement select = c.prepareStatement("SELECT id, project_id, mr_iid, check_id, sha,"
                        + " verdict_detail, payload, facts, note_attempts, finished_at, tampered FROM evaluation_job"
                        + " WHERE id = ?")) {
                    select.setString(1, id.get());
                    try (ResultSet rs = select.executeQuery()) {
                        rs.next();
                        note = Optional.of(new DueNote(
                                rs.getString(1),
                                new CheckKey(rs.getLong(2), rs.getLong(3), rs.getLong(4)),
                                rs.getString(5),
                                rs.getString(6),
                                rs.getString(7),
                                rs.getString(8),
                                rs.getInt(9),
                                instant(rs, 10),
                                rs.getString(11)));
                    }
                }
            }
            return note;
        });
    }

    /**
     * Records what came of writing a note. With {@code retryAt} the note is due again then; without, it is
     * done. {@code attempted} is false when GitLab was not asked (circuit breaker).
     */
    public boolean recordNote(String id, String owner, String result, boolean attempted, Instant retryAt) {
        return update(
                        "UPDATE evaluation_job SET note_due_at = ?, note_result = ?,"
                                + " note_attempts = note_attempts + ?, lease_owner = NULL, lease_until = NULL"
                                + " WHERE id = ? AND lease_owner = ?",
                        retryAt == null ? null : timestamp(retryAt),
                        truncate(result),
                        attempted ? 1 : 0,
                        id,
                        owner)
                == 1;
    }

    /** True when another evaluation of the key failed: in on-failure mode, only then can a note exist to update. */
    public boolean failedBefore(CheckKey key, String id) {
        return exists(key, "verdict = 'failed' AND id <> ?", id);
    }

    /** True when a verdict for the key was reported after {@code finishedAt}: an older note would overwrite it. */
    public boolean reportedAfter(CheckKey key, Instant finishedAt) {
        return exists(key, "state = 'reported' AND finished_at > ?", timestamp(finishedAt));
    }

    /**
     * Moves a job's next attempt later without counting an attempt (GitLab is known to be down), storing
     * {@code verdict} when it was reached in this step (see {@link #recordReport}).
     */
    public boolean postpone(String id, String owner, Instant until, String reason, NewVerdict verdict) {
        return inTransaction(
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

    /**
     * Takes (or renews) a cluster-wide lease by name, so that one replica at a time does what it guards: a
     * scheduled task, or writing one merge request's note. Names are at most 64 characters. The table is
     * named scheduler_lease after its first use.
     *
     * @return true when {@code owner} holds the lease until {@code now + duration}
     */
    public boolean acquireNamedLease(String name, String owner, Duration duration) {
        Instant now = clock.instant();
        try (Connection c = dataSource.getConnection()) {
            int taken = update(
                    c,
                    "UPDATE scheduler_lease SET owner = ?, lease_until = ? WHERE name = ?"
                            + " AND (owner = ? OR lease_until < ?)",
                    owner,
                    timestamp(now.plus(duration)),
                    name,
                    owner,
                    timestamp(now));
            if (taken == 1) {
                return true;
            }
            // Held by another: say so without an INSERT bound to fail, which PostgreSQL would log as an error.
            if (exists(c, "SELECT 1 FROM scheduler_lease WHERE name = ?", name)) {
                return false;
            }
            try {
                return update(
                                c,
                                "INSERT INTO scheduler_lease (name, owner, lease_until) VALUES (?, ?, ?)",
                                name,
                                owner,
                                timestamp(now.plus(duration)))
                        == 1;
            } catch (SQLException e) {
                if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
                    return false;
                }
                throw e;
            }
        } catch (SQLException e) {
            throw new JournalUnavailableException("cannot take the lease " + name, e);
        }
    }

    /** Gives up a lease taken with {@link #acquireNamedLease} before it expires. */
    public void releaseNamedLease(String name, String owner) {
        update("DELETE FROM scheduler_lease WHERE name = ? AND owner = ?", name, owner);
    }

    /** How much work waits, and for how long, and how much ended dead. */
    public record QueueStats(long unfinished, double oldestAgeSeconds, long dead) {}

    public QueueStats queueStats() {
        try (Connection c = dataSource.getConnection();
                PreparedStatement select = c.prepareStatement("SELECT"
                        + " SUM(CASE WHEN state IN " + UNFINISHED_STATES + " THEN 1 ELSE 0 END),"
                        + " MIN(CASE WHEN state IN " + UNFINISHED_STATES + " THEN created_at END),"
                        + " SUM(CASE WHEN state = 'dead' THEN 1 ELSE 0 END) FROM evaluation_job");
                ResultSet rs = select.executeQuery()) {
            rs.next();
            Instant oldest = instant(rs, 2);
            double age = oldest == null
                    ? 0
                    : Duration.between(oldest, clock.instant()).toMillis() / 1000.0;
            return new QueueStats(rs.getLong(1), age, rs.getLong(3));
        } catch (SQLException e) {
            throw new JournalUnavailableException("cannot read the journal", e);
        }
    }

    /** Projects and status checks this journal has seen, or that register recorded, for the reconciliation sweep. */
    public Map<Long, Set<Long>> checksSeen() {
        Map<Long, Set<Long>> checks = new TreeMap<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement select = c.prepareStatement("SELECT project_id, check_id FROM evaluation_job"
                        + " UNION SELECT project_id, check_id FROM registered_check");
                ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                checks.computeIfAbsent(rs.getLong(1), k -> new TreeSet<>()).add(rs.getLong(2));
            }
            return checks;
        } catch (SQLException e) {
            throw new JournalUnavailableException("cannot read the journal", e);
        }
    }

    /**
     * Records status checks that {@code register} created or updated, so that every sweep from now on covers them
     * ({@link #checksSeen}); a check recorded before stays as it is.
     */
    public void recordRegisteredChecks(Map<Long, Set<Long>> checks) {
        Instant now = clock.instant();
        try (Connection c = dataSource.getConnection()) {
            for (Map.Entry<Long, Set<Long>> project : checks.entrySet()) {
                for (long check : project.getValue()) {
                    if (exists(
                            c,
                            "SELECT 1 FROM registered_check WHERE project_id = ? AND check_id = ?",
                            project.getKey(),
                            check)) {
                        continue;
                    }
                    try {
                        update(
                                c,
                                "INSERT INTO registered_check (project_id, check_id, registered_at) VALUES (?, ?, ?)",
                                project.getKey(),
                                check,
                                timestamp(now));
                    } catch (SQLException e) {
                        // Another replica recorded it meanwhile: recorded is all that is asked.
                        if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                            throw e;
                        }
                    }
                }
            }
        } catch (SQLException e) {
            throw new JournalUnavailableException("cannot record the registered status checks", e);
        }
    }

    /**
     * Where policy-gate stands on one commit of one check: the state of its newest job for {@code sha} that was not
     * superseded; empty when there is none.
     */
    public Optional<JobState> standing(CheckKey key, String sha) {
        return firstOfCommit(
                        "SELECT state FROM evaluation_job WHERE project_id = ? AND mr_iid = ? AND check_id = ?"
                                + " AND sha = ? AND state <> 'superseded' ORDER BY created_at DESC LIMIT 1",
                        key,
                        sha)
                .map(JobState::fromDb);
    }

    /**
     * The verdict policy-gate last posted to GitLab, and GitLab took, for the key at {@code sha}; empty when GitLab
     * took none (within policy-gate.history.keep).
     */
    public Optional<String> lastPosted(CheckKey key, String sha) {
        return firstOfCommit(
                "SELECT a.posted_verdict FROM report_attempt a JOIN evaluation_job j ON a.job_id = j.id"
                        + " WHERE j.project_id = ? AND j.mr_iid = ? AND j.check_id = ? AND j.sha = ?"
                        + " AND a.posted_verdict IS NOT NULL ORDER BY a.started_at DESC LIMIT 1",
                key,
                sha);
    }

    /** The first row's text of a query on one key (project, merge request, check) and SHA, in that order. */
    private Optional<String> firstOfCommit(String query, CheckKey key, String sha) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement select = c.prepareStatement(query)) {
            bind(select, key.projectId(), key.mergeRequestIid(), key.checkId(), sha);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new JournalUnavailableException("cannot read the journal", e);
        }
    }

    /** True when a job of the key meets {@code condition} (with its one parameter). */
    private boolean exists(CheckKey key, String condition, Object parameter) {
        return exists(
                "project_id = ? AND mr_iid = ? AND check_id = ? AND " + condition,
                key.projectId(),
                key.mergeRequestIid(),
                key.checkId(),
                parameter);
    }

    private boolean exists(String condition, Object... parameters) {
        try (Connection c = dataSource.getConnection()) {
            return exists(c, "SELECT 1 FROM evaluation_job WHERE " + condition, parameters);
        } catch (SQLException e) {
            throw new JournalUnavailableException("cannot read the journal", e);
        }
    }

    private static boolean exists(Connection c, String query, Object... parameters) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(query)) {
            bind(select, parameters);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Gives back this process's leases (graceful shutdown) so another process need not wait for them. */
    public int releaseLeases(String owner) {
        update("DELETE FROM scheduler_lease WHERE owner = ?", owner);
        return update("UPDATE evaluation_job SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = ?", owner);
    }

    /**
     * Releases every lease. Only safe when no other process can share the journal: the embedded H2 file
     * is locked by one process, so any lease in it belongs to a process that has stopped.
     */
    public int releaseAllLeases() {
        update("DELETE FROM scheduler_lease");
        return update("UPDATE evaluation_job SET lease_owner = NULL, lease_until = NULL WHERE lease_owner IS NOT NULL");
    }

    /**
     * True when no other process can share this journal: an embedded H2 database (file or memory). H2
     * locks its file to one process; a server-mode or AUTO_SERVER URL could be shared, so it does not count.
     */
    public boolean isExclusive() {
        try (Connection c = dataSource.getConnection()) {
            String url = c.getMetaData().getURL().toLowerCase(java.util.Locale.ROOT);
            return url.startsWith("jdbc:h2:")
                    && !url.startsWith("jdbc:h2:tcp:")
                    && !url.startsWith("jdbc:h2:ssl:")
                    && !url.contains("auto_server=true");
        } catch (SQLException e) {
            throw new JournalUnavailableException("cannot reach the journal", e);
        }
    }

    public Optional<Job> find(String id) {
        try (Connection c = dataSource.getConnection()) {
            return find(c, id);
        } catch (SQLException e) {
            throw new JournalUnavailableException("cannot read the journal", e);
        }
    }

    public List<ReportAttempt> attempts(String jobId) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement select = c.prepareStatement("SELECT attempt, started_at, duration_ms, http_status,"
                        + " outcome, detail, posted_verdict FROM report_attempt WHERE job_id = ? ORDER BY attempt")) {
            select.setString(1, jobId);
            List<ReportAttempt> attempts = new ArrayList<>();
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    attempts.add(new ReportAttempt(
                            rs.getInt(1),
                            instant(rs, 2),
                            rs.getLong(3),
                            (Integer) rs.getObject(4),
                            rs.getString(5),
                            rs.getString(6),
                            rs.getString(7)));
                }
            }
            return attempts;
        } catch (SQLException e) {
            throw new JournalUnavailableException("cannot read the journal", e);
        }
    }

    private static Optional<Job> find(Connection c, String id) throws SQLException {
        try (PreparedStatement select =
                c.prepareStatement("SELECT " + JOB_COLUMNS + " FROM evaluation_job WHERE id = ?")) {
            select.setString(1, id);
            try (ResultSet rs = select.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Job(
                        rs.getString(1),
                        new CheckKey(rs.getLong(2), rs.getLong(3), rs.getLong(4)),
                        rs.getString(5),
                        JobState.fromDb(rs.getString(6)),
                        rs.getString(7),
                        rs.getString(8),
                        rs.getString(9),
                        rs.getInt(10),
                        instant(rs, 11),
                        rs.getString(12),
                        instant(rs, 13),
                        rs.getInt(14),
                        rs.getString(15)));
            }
        }
    }

    private int update(String sql, Object... parameters) {
        try (Connection c = dataSource.getConnection()) {
            return update(c, sql, parameters);
        } catch (SQLException e) {
            throw new JournalUnavailableException("cannot update the journal", e);
        }
    }

    private static int update(Connection c, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = c.prepareStatement(sql)) {
            bind(statement, parameters);
            return statement.executeUpdate();
        }
    }

    private static void bind(PreparedStatement statement, Object... parameters) throws SQLException {
        for (int i = 0; i < parameters.length; i++) {
            statement.setObject(i + 1, parameters[i]);
        }
    }

    private static OffsetDateTime timestamp(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static String truncate(String text) {
        return text == null || text.length() <= 2000 ? text : text.substring(0, 1999) + "…";
    }
}
