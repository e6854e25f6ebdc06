package io.policygate.journal;

import static io.policygate.journal.Jdbc.instant;
import static io.policygate.journal.Jdbc.timestamp;

import io.policygate.event.CheckKey;
import io.policygate.event.Trigger;
import io.policygate.policy.PolicyOrigin;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the journal says about evaluations once made: the history and its pages, the attempts of each, where
 * policy-gate stands on a commit, the checks the reconciliation sweep covers, the queue's figures, and pruning.
 */
@ApplicationScoped
public class EvaluationRecords {

    /** The columns {@link #evaluation(ResultSet)} reads, in its order. */
    private static final String EVALUATION_COLUMNS = "id, state, verdict, verdict_detail, policy_files, attempts,"
            + " last_error, created_at, finished_at, note_result, verdict_if_enforced, facts, tampered, waivers,"
            + " policy_source, policy_commit, " + Triggers.COLUMNS;

    private final Jdbc jdbc;
    private final Clock clock;

    @Inject
    public EvaluationRecords(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** One page of the history, newest first. */
    public record HistoryPage(List<Evaluation> evaluations, String nextCursor) {}

    /**
     * A journal row as the history shows it. The trigger's names are GitLab's once a verdict was reached (the
     * verdict stores them), the webhook's before.
     */
    public record Evaluation(
            String id,
            Trigger trigger,
            JobState state,
            String verdict,
            String verdictDetail,
            String policyFiles,
            int attempts,
            String lastError,
            Instant createdAt,
            Instant finishedAt,
            String noteResult,
            String verdictIfEnforced,
            String facts,
            String tampered,
            List<String> waivers,
            PolicyOrigin policyOrigin) {

        public CheckKey key() {
            return trigger.key();
        }

        public String sha() {
            return trigger.sha();
        }
    }

    /**
     * Filters of the history; null means any. {@code tampered}: only evaluations that found a status policy-gate
     * had not given; {@code waived}: only those a waiver excused a rule of (true) or none did (false); {@code waiver}:
     * only those that waiver excused a rule of. {@code before} is the cursor: created_at and id of the last row seen.
     */
    public record HistoryQuery(
            Long projectId,
            Long mergeRequestIid,
            JobState state,
            String verdict,
            String verdictIfEnforced,
            boolean tampered,
            Boolean waived,
            String waiver,
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
        if (query.waived() != null) {
            sql.append(query.waived() ? " AND waivers IS NOT NULL" : " AND verdict IS NOT NULL AND waivers IS NULL");
        }
        if (query.waiver() != null) {
            // Ids are letters, digits, '.', '_' and '-' (checked at load): nothing in one is special to LIKE.
            sql.append(" AND waivers LIKE ?");
            parameters.add("%," + query.waiver() + ",%");
        }
        if (query.beforeCreatedAt() != null) {
            sql.append(" AND (created_at < ? OR (created_at = ? AND id < ?))");
            parameters.add(timestamp(query.beforeCreatedAt()));
            parameters.add(timestamp(query.beforeCreatedAt()));
            parameters.add(query.beforeId());
        }
        sql.append(" ORDER BY created_at DESC, id DESC LIMIT ").append(query.limit() + 1);
        List<Evaluation> rows = jdbc.list(sql.toString(), EvaluationRecords::evaluation, parameters.toArray());
        if (rows.size() <= query.limit()) {
            return new HistoryPage(rows, null);
        }
        List<Evaluation> page = rows.subList(0, query.limit());
        Evaluation last = page.get(page.size() - 1);
        return new HistoryPage(List.copyOf(page), last.createdAt() + "|" + last.id());
    }

    public Optional<Evaluation> evaluation(String id) {
        return jdbc.first(
                "SELECT " + EVALUATION_COLUMNS + " FROM evaluation_job WHERE id = ?",
                EvaluationRecords::evaluation,
                id);
    }

    /**
     * Dead evaluations that nothing has replaced yet (no later job for the same merge request and check):
     * the merge requests still waiting for someone to fix what stopped their report. Newest first.
     */
    public List<Evaluation> unresolvedDeadLetters(int limit) {
        return jdbc.list(
                "SELECT " + EVALUATION_COLUMNS
                        + " FROM evaluation_job d WHERE state = 'dead' AND NOT EXISTS (SELECT 1 FROM"
                        + " evaluation_job n WHERE n.project_id = d.project_id AND n.mr_iid = d.mr_iid"
                        + " AND n.check_id = d.check_id AND n.created_at > d.created_at)"
                        + " ORDER BY created_at DESC LIMIT " + limit,
                EvaluationRecords::evaluation);
    }

    private static Evaluation evaluation(ResultSet rs) throws SQLException {
        return new Evaluation(
                rs.getString(1),
                Triggers.read(rs, 17),
                JobState.fromDb(rs.getString(2)),
                rs.getString(3),
                rs.getString(4),
                rs.getString(5),
                rs.getInt(6),
                rs.getString(7),
                instant(rs, 8),
                instant(rs, 9),
                rs.getString(10),
                rs.getString(11),
                rs.getString(12),
                rs.getString(13),
                waivers(rs.getString(14)),
                new PolicyOrigin(rs.getString(15), rs.getString(16)));
    }

    /** The waivers column (",W-1,W-2,") as a list; empty when null. */
    private static List<String> waivers(String column) {
        return column == null
                ? List.of()
                : Arrays.stream(column.split(",")).filter(w -> !w.isEmpty()).toList();
    }

    /**
     * Deletes finished evaluations (and their attempts) older than {@code before}, and delivery ids received before
     * {@code deliveriesBefore}; returns how many evaluations.
     */
    public int prune(Instant before, Instant deliveriesBefore) {
        return jdbc.inTransaction("cannot prune the journal", c -> {
            Jdbc.update(c, "DELETE FROM webhook_delivery WHERE received_at < ?", timestamp(deliveriesBefore));
            String finished = "state IN ('reported','superseded','dead') AND finished_at < ?";
            Jdbc.update(
                    c,
                    "DELETE FROM report_attempt WHERE job_id IN (SELECT id FROM evaluation_job WHERE " + finished + ")",
                    timestamp(before));
            return Jdbc.update(c, "DELETE FROM evaluation_job WHERE " + finished, timestamp(before));
        });
    }

    /** How much work waits, and for how long, and how much ended dead. */
    public record QueueStats(long unfinished, double oldestAgeSeconds, long dead) {}

    public QueueStats queueStats() {
        return jdbc.first(
                        "SELECT SUM(CASE WHEN state IN " + JobQueue.UNFINISHED_STATES + " THEN 1 ELSE 0 END),"
                                + " MIN(CASE WHEN state IN " + JobQueue.UNFINISHED_STATES + " THEN created_at END),"
                                + " SUM(CASE WHEN state = 'dead' THEN 1 ELSE 0 END) FROM evaluation_job",
                        rs -> {
                            Instant oldest = instant(rs, 2);
                            double age = oldest == null
                                    ? 0
                                    : Duration.between(oldest, clock.instant()).toMillis() / 1000.0;
                            return new QueueStats(rs.getLong(1), age, rs.getLong(3));
                        })
                .orElseThrow();
    }

    /** Projects and status checks this journal has seen, or that register recorded, for the reconciliation sweep. */
    public Map<Long, Set<Long>> checksSeen() {
        Map<Long, Set<Long>> checks = new TreeMap<>();
        jdbc.list(
                        "SELECT project_id, check_id FROM evaluation_job"
                                + " UNION SELECT project_id, check_id FROM registered_check",
                        rs -> Map.entry(rs.getLong(1), rs.getLong(2)))
                .forEach(seen -> checks.computeIfAbsent(seen.getKey(), k -> new TreeSet<>())
                        .add(seen.getValue()));
        return checks;
    }

    /** The status checks of one project this journal has seen, or that register recorded. */
    public Set<Long> checksSeen(long projectId) {
        return new TreeSet<>(jdbc.list(
                "SELECT check_id FROM evaluation_job WHERE project_id = ?"
                        + " UNION SELECT check_id FROM registered_check WHERE project_id = ?",
                rs -> rs.getLong(1),
                projectId,
                projectId));
    }

    /**
     * Whether GitLab confirmed this project to policy-gate: a verdict was computed from GitLab's facts of one of its
     * merge requests (facts are stored only then), or register recorded one of its checks. A webhook alone does not
     * count: whoever holds the secret can name any project in one.
     */
    public boolean projectSeen(long projectId) {
        return jdbc.exists(
                "SELECT 1 FROM evaluation_job WHERE project_id = ? AND facts IS NOT NULL"
                        + " UNION ALL SELECT 1 FROM registered_check WHERE project_id = ?",
                projectId,
                projectId);
    }

    /**
     * Each project's full path as GitLab's facts of a verdict gave it (a webhook's word is not kept apart from
     * GitLab's, so only paths stored with facts count); projects without such a verdict are not in it.
     */
    public Map<Long, String> confirmedProjectPaths() {
        Map<Long, String> paths = new TreeMap<>();
        jdbc.list(
                        "SELECT project_id, MAX(project_path) FROM evaluation_job"
                                + " WHERE facts IS NOT NULL AND project_path IS NOT NULL GROUP BY project_id",
                        rs -> Map.entry(rs.getLong(1), rs.getString(2)))
                .forEach(path -> paths.put(path.getKey(), path.getValue()));
        return paths;
    }

    /** Each project with a verdict judged from GitLab's facts since {@code since}, with its full path. */
    public Map<Long, String> projectsJudgedSince(Instant since) {
        Map<Long, String> projects = new TreeMap<>();
        jdbc.list(
                        "SELECT project_id, MAX(project_path) FROM evaluation_job WHERE facts IS NOT NULL"
                                + " AND project_path IS NOT NULL AND finished_at >= ? GROUP BY project_id",
                        rs -> Map.entry(rs.getLong(1), rs.getString(2)),
                        timestamp(since))
                .forEach(project -> projects.put(project.getKey(), project.getValue()));
        return projects;
    }

    /** GitLab's facts of a merge request as its last verdict stored them (JSON), and when that verdict was reached. */
    public record JudgedFacts(String facts, Instant finishedAt) {}

    /**
     * The facts of the newest verdict of each merge request of {@code projects} judged from GitLab's facts since
     * {@code since}, newest first, at most {@code limit}: what an impact preview judges again, beside the open merge
     * requests.
     */
    public List<JudgedFacts> judgedSince(Instant since, Set<Long> projects, int limit) {
        if (projects.isEmpty()) {
            return List.of();
        }
        String ids = String.join(",", projects.stream().map(String::valueOf).toList());
        return jdbc.list(
                "SELECT e.facts, e.finished_at FROM evaluation_job e JOIN"
                        + " (SELECT project_id, mr_iid, MAX(finished_at) AS last FROM evaluation_job"
                        + " WHERE facts IS NOT NULL AND finished_at >= ? AND project_id IN (" + ids + ")"
                        + " GROUP BY project_id, mr_iid) n"
                        + " ON e.project_id = n.project_id AND e.mr_iid = n.mr_iid AND e.finished_at = n.last"
                        + " WHERE e.facts IS NOT NULL ORDER BY e.finished_at DESC LIMIT " + limit,
                rs -> new JudgedFacts(rs.getString(1), instant(rs, 2)),
                timestamp(since));
    }

    /** Whether GitLab's facts of a verdict gave this full path (any case): the name a verdict stores is GitLab's. */
    public boolean projectPathSeen(String path) {
        return jdbc.exists(
                "SELECT 1 FROM evaluation_job WHERE LOWER(project_path) = ? AND facts IS NOT NULL",
                path.toLowerCase(Locale.ROOT));
    }

    /**
     * Records status checks that {@code register} created or updated, so that every sweep from now on covers them
     * ({@link #checksSeen}); a check recorded before stays as it is.
     */
    public void recordRegisteredChecks(Map<Long, Set<Long>> checks) {
        Instant now = clock.instant();
        jdbc.withConnection("cannot record the registered status checks", c -> {
            for (Map.Entry<Long, Set<Long>> project : checks.entrySet()) {
                for (long check : project.getValue()) {
                    insertOnce(
                            c,
                            "SELECT 1 FROM registered_check WHERE project_id = ? AND check_id = ?",
                            "INSERT INTO registered_check (project_id, check_id, registered_at) VALUES (?, ?, ?)",
                            project.getKey(),
                            check,
                            timestamp(now));
                }
            }
            return null;
        });
    }

    /**
     * One evaluation as the audit export lists it: what was judged, what was decided by which policy files
     * (their JSON: path and SHA-256 each), what GitLab answered last, and whether a forged status was caught.
     */
    public record ExportRow(
            String id,
            Instant createdAt,
            Instant finishedAt,
            long projectId,
            String projectPath,
            long mergeRequestIid,
            String sha,
            long checkId,
            String state,
            String verdict,
            String verdictIfEnforced,
            String policyFiles,
            PolicyOrigin policyOrigin,
            String reportOutcome,
            Integer reportStatus,
            boolean tampered,
            boolean signed,
            List<String> waivers) {}

    /**
     * Every evaluation created in [{@code from}, {@code to}), oldest first, handed to {@code each} as it is read:
     * the export never holds them all.
     *
     * @return how many there were
     */
    public long export(Instant from, Instant to, java.util.function.Consumer<ExportRow> each) {
        return jdbc.forEach(
                "SELECT j.id, j.created_at, j.finished_at, j.project_id, j.project_path, j.mr_iid, j.sha, j.check_id,"
                        + " j.state, j.verdict, j.verdict_if_enforced, j.policy_files, a.outcome, a.http_status,"
                        + " j.tampered, j.attestation IS NOT NULL, j.waivers, j.policy_source, j.policy_commit"
                        + " FROM evaluation_job j LEFT JOIN report_attempt a ON a.job_id = j.id AND a.attempt ="
                        + " (SELECT MAX(attempt) FROM report_attempt l WHERE l.job_id = j.id)"
                        + " WHERE j.created_at >= ? AND j.created_at < ? ORDER BY j.created_at, j.id",
                500,
                rs -> new ExportRow(
                        rs.getString(1),
                        rs.getTimestamp(2).toInstant(),
                        rs.getTimestamp(3) == null ? null : rs.getTimestamp(3).toInstant(),
                        rs.getLong(4),
                        rs.getString(5),
                        rs.getLong(6),
                        rs.getString(7),
                        rs.getLong(8),
                        rs.getString(9),
                        rs.getString(10),
                        rs.getString(11),
                        rs.getString(12),
                        new PolicyOrigin(rs.getString(18), rs.getString(19)),
                        rs.getString(13),
                        (Integer) rs.getObject(14),
                        rs.getString(15) != null,
                        rs.getBoolean(16),
                        waivers(rs.getString(17))),
                each,
                timestamp(from),
                timestamp(to));
    }

    /** A decided evaluation as the compliance overview counts it; {@code waived}: a waiver excused a rule of it. */
    public record Decided(Instant createdAt, String verdict, String verdictDetail, boolean tampered, boolean waived) {}

    /**
     * Every evaluation with a verdict created since {@code since}, handed to {@code each} as it is read: the
     * overview counts them without holding them.
     */
    public long decidedSince(Instant since, java.util.function.Consumer<Decided> each) {
        return jdbc.forEach(
                "SELECT created_at, verdict, verdict_detail, tampered, waivers FROM evaluation_job"
                        + " WHERE created_at >= ? AND verdict IS NOT NULL",
                500,
                rs -> new Decided(
                        rs.getTimestamp(1).toInstant(),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4) != null,
                        rs.getString(5) != null),
                each,
                timestamp(since));
    }

    /** A public key that signs decision records, kept from its first use on so that its records stay verifiable. */
    public record SigningKeyRow(String keyId, String publicKeyPem, Instant firstUsed) {}

    /** Records the key that signs from now on; one recorded before keeps its first use. */
    public void recordSigningKey(String keyId, String publicKeyPem) {
        jdbc.withConnection("cannot record the signing key", c -> {
            insertOnce(
                    c,
                    "SELECT 1 FROM signing_key WHERE key_id = ?",
                    "INSERT INTO signing_key (key_id, public_key, first_used) VALUES (?, ?, ?)",
                    keyId,
                    publicKeyPem,
                    timestamp(clock.instant()));
            return null;
        });
    }

    /** Every key that signed decision records here, newest first. */
    public List<SigningKeyRow> signingKeys() {
        return jdbc.list(
                "SELECT key_id, public_key, first_used FROM signing_key ORDER BY first_used DESC, key_id",
                rs -> new SigningKeyRow(
                        rs.getString(1), rs.getString(2), rs.getTimestamp(3).toInstant()));
    }

    /** The signed decision record of an evaluation, if it reached a verdict since records are signed. */
    public Optional<String> attestation(String evaluationId) {
        return jdbc.first(
                "SELECT attestation FROM evaluation_job WHERE id = ? AND attestation IS NOT NULL",
                rs -> rs.getString(1),
                evaluationId);
    }

    /**
     * Inserts a row unless {@code exists} finds it (its parameters: the first ones of the row); another replica
     * inserting it meanwhile is as good.
     */
    private static void insertOnce(Connection c, String exists, String insert, Object... row) throws SQLException {
        int keyColumns = (int) exists.chars().filter(ch -> ch == '?').count();
        if (Jdbc.exists(c, exists, java.util.Arrays.copyOf(row, keyColumns))) {
            return;
        }
        try {
            Jdbc.update(c, insert, row);
        } catch (SQLException e) {
            if (!Jdbc.UNIQUE_VIOLATION.equals(e.getSQLState())) {
                throw e;
            }
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

    /**
     * True when another evaluation of the key failed or was waived: in on-failure mode, only then can a note exist to
     * update.
     */
    public boolean mayHaveNote(CheckKey key, String id) {
        return jdbc.exists(
                "SELECT 1 FROM evaluation_job WHERE project_id = ? AND mr_iid = ? AND check_id = ?"
                        + " AND (verdict = 'failed' OR waivers IS NOT NULL) AND id <> ?",
                key.projectId(),
                key.mergeRequestIid(),
                key.checkId(),
                id);
    }

    /** The waivers that excused a rule of the latest verdict on the commit; empty when none did or there is none. */
    public List<String> waiversOfLatestVerdict(CheckKey key, String sha) {
        return waivers(firstOfCommit(
                        "SELECT waivers FROM evaluation_job WHERE project_id = ? AND mr_iid = ? AND check_id = ?"
                                + " AND sha = ? AND verdict IS NOT NULL ORDER BY created_at DESC LIMIT 1",
                        key,
                        sha)
                .orElse(null));
    }

    /** The first row's text of a query on one key (project, merge request, check) and SHA, in that order. */
    private Optional<String> firstOfCommit(String query, CheckKey key, String sha) {
        return jdbc.first(query, rs -> rs.getString(1), key.projectId(), key.mergeRequestIid(), key.checkId(), sha);
    }

    public List<ReportAttempt> attempts(String jobId) {
        return jdbc.list(
                "SELECT attempt, started_at, duration_ms, http_status, outcome, detail, posted_verdict"
                        + " FROM report_attempt WHERE job_id = ? ORDER BY attempt",
                rs -> new ReportAttempt(
                        rs.getInt(1),
                        instant(rs, 2),
                        rs.getLong(3),
                        (Integer) rs.getObject(4),
                        rs.getString(5),
                        rs.getString(6),
                        rs.getString(7)),
                jobId);
    }
}
