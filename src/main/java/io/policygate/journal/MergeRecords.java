package io.policygate.journal;

import static io.policygate.journal.Jdbc.instant;
import static io.policygate.journal.Jdbc.timestamp;
import static io.policygate.journal.Jdbc.truncate;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The merges of covered projects' merge requests and whether each passed the gate (journal table merge_record),
 * with what the journal knows to judge one: policy-gate's verdicts on the merge request and when GitLab took them.
 */
@ApplicationScoped
public class MergeRecords {

    /** One merge as recorded; {@code reason} says why an ungated one is, {@code evaluationId} the verdict that decided. */
    public record MergeRecord(
            long projectId,
            String projectPath,
            long mergeRequestIid,
            String title,
            String targetBranch,
            String webUrl,
            String sha,
            String mergeCommitSha,
            Instant mergedAt,
            String mergedBy,
            boolean gated,
            String reason,
            String evaluationId) {

        /** The merged commit as pages show it. */
        public String shortSha() {
            return MergeRecords.shortSha(sha);
        }
    }

    /**
     * One of policy-gate's evaluations of a merge request: the commit, the verdict (null before one), what it found
     * GitLab showing that policy-gate had not given (null: nothing), and when GitLab first took a verdict of it
     * (null: never).
     */
    public record VerdictOnCommit(String id, String sha, String verdict, String tampered, Instant postedAt) {}

    /** Which merges a query asks for: merged in [from, to), of one project (id or path) or all, gated or not or both. */
    public record Query(Instant from, Instant to, String project, Boolean gated, int limit) {}

    private static final String COLUMNS = "project_id, project_path, mr_iid, title, target_branch, web_url, sha,"
            + " merge_commit_sha, merged_at, merged_by, gated, reason, evaluation_id";

    private final Jdbc jdbc;

    @Inject
    public MergeRecords(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** Whether this merge request's merge is recorded already (the sweep's listings overlap). */
    public boolean recorded(long projectId, long iid) {
        return jdbc.exists("SELECT 1 FROM merge_record WHERE project_id = ? AND mr_iid = ?", projectId, iid);
    }

    /**
     * Records a merge once; {@code noteDue}: a note saying it merged without policy-gate's pass is yet to be written.
     *
     * @return false when it was recorded already
     */
    public boolean record(MergeRecord merge, boolean noteDue, Instant now) {
        return jdbc.withConnection("cannot record a merge", c -> {
            if (Jdbc.exists(
                    c,
                    "SELECT 1 FROM merge_record WHERE project_id = ? AND mr_iid = ?",
                    merge.projectId(),
                    merge.mergeRequestIid())) {
                return false;
            }
            try {
                Jdbc.update(
                        c,
                        "INSERT INTO merge_record (" + COLUMNS + ", recorded_at, note_due)"
                                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        merge.projectId(),
                        truncate(merge.projectPath()),
                        merge.mergeRequestIid(),
                        truncate(merge.title()),
                        truncate(merge.targetBranch()),
                        truncate(merge.webUrl()),
                        merge.sha(),
                        merge.mergeCommitSha(),
                        timestamp(merge.mergedAt()),
                        merge.mergedBy(),
                        merge.gated(),
                        truncate(merge.reason()),
                        merge.evaluationId(),
                        timestamp(now),
                        noteDue);
                return true;
            } catch (SQLException e) {
                if (Jdbc.UNIQUE_VIOLATION.equals(e.getSQLState())) {
                    return false;
                }
                throw e;
            }
        });
    }

    /**
     * When policy-gate began covering a project: its first evaluation still in the journal, or register's record of
     * its check, whichever is earlier; empty when neither exists. Merges before it are out of scope.
     */
    public Optional<Instant> coveredSince(long projectId) {
        return jdbc.first(
                "SELECT MIN(t) FROM (SELECT MIN(created_at) AS t FROM evaluation_job WHERE project_id = ?"
                        + " UNION ALL SELECT MIN(registered_at) AS t FROM registered_check WHERE project_id = ?) s",
                rs -> instant(rs, 1),
                projectId,
                projectId);
    }

    /** policy-gate's evaluations of the merge request for {@code checks}, newest first. */
    public List<VerdictOnCommit> verdicts(long projectId, long iid, Set<Long> checks) {
        if (checks.isEmpty()) {
            return List.of();
        }
        String in = checks.stream().map(String::valueOf).collect(Collectors.joining(", "));
        return jdbc.list(
                "SELECT j.id, j.sha, j.verdict, j.tampered, (SELECT MIN(a.started_at) FROM report_attempt a"
                        + " WHERE a.job_id = j.id AND a.posted_verdict IS NOT NULL) FROM evaluation_job j"
                        + " WHERE j.project_id = ? AND j.mr_iid = ? AND j.check_id IN (" + in + ")"
                        + " ORDER BY j.created_at DESC",
                rs -> new VerdictOnCommit(
                        rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), instant(rs, 5)),
                projectId,
                iid);
    }

    /** The merges a query asks for, the newest first, at most its limit. */
    public List<MergeRecord> list(Query query) {
        List<Object> parameters = new ArrayList<>(List.of(timestamp(query.from()), timestamp(query.to())));
        String where = "merged_at >= ? AND merged_at < ?" + filters(query, parameters);
        return jdbc.list(
                "SELECT " + COLUMNS + " FROM merge_record WHERE " + where + " ORDER BY merged_at DESC, project_id,"
                        + " mr_iid LIMIT " + query.limit(),
                MergeRecords::merge,
                parameters.toArray());
    }

    /** Every merge of [from, to), oldest first, handed to {@code each} as it is read. */
    public long export(Instant from, Instant to, Consumer<MergeRecord> each) {
        return jdbc.forEach(
                "SELECT " + COLUMNS + " FROM merge_record WHERE merged_at >= ? AND merged_at < ?"
                        + " ORDER BY merged_at, project_id, mr_iid",
                500,
                MergeRecords::merge,
                each,
                timestamp(from),
                timestamp(to));
    }

    /** How many of the project's merges since {@code since} were ungated, and the latest one's merge request. */
    public record Ungated(long count, Long latestIid) {}

    public Ungated ungatedSince(long projectId, Instant since) {
        long count = jdbc.first(
                        "SELECT COUNT(*) FROM merge_record WHERE project_id = ? AND gated = FALSE AND merged_at >= ?",
                        rs -> rs.getLong(1),
                        projectId,
                        timestamp(since))
                .orElse(0L);
        Long latest = count == 0
                ? null
                : jdbc.first(
                                "SELECT mr_iid FROM merge_record WHERE project_id = ? AND gated = FALSE"
                                        + " ORDER BY merged_at DESC LIMIT 1",
                                rs -> rs.getLong(1),
                                projectId)
                        .orElse(null);
        return new Ungated(count, latest);
    }

    /** Ungated merges whose note is yet to be written, the oldest first. */
    public List<MergeRecord> notesDue(int limit) {
        return jdbc.list(
                "SELECT " + COLUMNS + " FROM merge_record WHERE note_due = TRUE ORDER BY merged_at LIMIT " + limit,
                MergeRecords::merge);
    }

    /** What came of writing a merge's note; {@code due}: it is to be tried again at the next sweep. */
    public void noteWritten(long projectId, long iid, String result, boolean due) {
        jdbc.update(
                "UPDATE merge_record SET note_due = ?, note_result = ? WHERE project_id = ? AND mr_iid = ?",
                due,
                truncate(result),
                projectId,
                iid);
    }

    /** The first 8 characters of a commit SHA, lower case, as GitLab shows one; "" for none. */
    public static String shortSha(String sha) {
        return sha == null ? "" : sha.substring(0, Math.min(8, sha.length())).toLowerCase(Locale.ROOT);
    }

    private static String filters(Query query, List<Object> parameters) {
        StringBuilder where = new StringBuilder();
        if (query.project() != null) {
            if (query.project().matches("\\d{1,18}")) {
                where.append(" AND project_id = ?");
                parameters.add(Long.parseLong(query.project()));
            } else {
                where.append(" AND LOWER(project_path) = LOWER(?)");
                parameters.add(query.project());
            }
        }
        if (query.gated() != null) {
            where.append(" AND gated = ?");
            parameters.add(query.gated());
        }
        return where.toString();
    }

    private static MergeRecord merge(ResultSet rs) throws SQLException {
        return new MergeRecord(
                rs.getLong(1),
                rs.getString(2),
                rs.getLong(3),
                rs.getString(4),
                rs.getString(5),
                rs.getString(6),
                rs.getString(7),
                rs.getString(8),
                instant(rs, 9),
                rs.getString(10),
                rs.getBoolean(11),
                rs.getString(12),
                rs.getString(13));
    }
}
