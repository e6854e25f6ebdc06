package io.policygate.journal;

import static io.policygate.journal.Jdbc.instant;
import static io.policygate.journal.Jdbc.timestamp;

import io.policygate.event.Trigger;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the reconciliation sweep keeps between sweeps (one replica sweeps at a time, under its lease): until when
 * GitLab's merge requests were listed, and the open merge requests of covered projects with when each one's status
 * checks were last read.
 */
@ApplicationScoped
public class SweepRecords {

    private static final String SWEEP = "reconcile";

    /** An open merge request as the sweep last listed it: what a job queued for it is named by. */
    public record OpenMergeRequest(
            long projectId, long iid, String sha, String title, String sourceBranch, String targetBranch) {}

    private final Jdbc jdbc;

    @Inject
    public SweepRecords(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** Until when the merge requests of covered projects were listed whole; empty before the first sweep. */
    public Optional<Instant> listedUntil() {
        return jdbc.first("SELECT listed_until FROM sweep_state WHERE name = ?", rs -> instant(rs, 1), SWEEP);
    }

    public void listedUntil(Instant until) {
        if (jdbc.update("UPDATE sweep_state SET listed_until = ? WHERE name = ?", timestamp(until), SWEEP) == 0) {
            jdbc.update("INSERT INTO sweep_state (name, listed_until) VALUES (?, ?)", SWEEP, timestamp(until));
        }
    }

    /** A merge request listed open, its statuses read at {@code statusReadAt}. */
    public void open(OpenMergeRequest mr, Instant statusReadAt) {
        Object[] names = {
            mr.sha(), Trigger.cut(mr.title()), Trigger.cut(mr.sourceBranch()), Trigger.cut(mr.targetBranch())
        };
        if (jdbc.update(
                        "UPDATE open_merge_request SET sha = ?, title = ?, source_branch = ?, target_branch = ?,"
                                + " status_read_at = ? WHERE project_id = ? AND mr_iid = ?",
                        names[0],
                        names[1],
                        names[2],
                        names[3],
                        timestamp(statusReadAt),
                        mr.projectId(),
                        mr.iid())
                == 0) {
            jdbc.update(
                    "INSERT INTO open_merge_request (project_id, mr_iid, sha, title, source_branch, target_branch,"
                            + " status_read_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    mr.projectId(),
                    mr.iid(),
                    names[0],
                    names[1],
                    names[2],
                    names[3],
                    timestamp(statusReadAt));
        }
    }

    /** A merge request listed closed or merged: nothing of it is left to read. */
    public void closed(long projectId, long iid) {
        jdbc.update("DELETE FROM open_merge_request WHERE project_id = ? AND mr_iid = ?", projectId, iid);
    }

    /** The {@code count} open merge requests whose statuses were read longest ago, before {@code before}. */
    public List<OpenMergeRequest> longestUnread(int count, Instant before) {
        return jdbc.list(
                "SELECT project_id, mr_iid, sha, title, source_branch, target_branch FROM open_merge_request"
                        + " WHERE status_read_at < ? ORDER BY status_read_at, project_id, mr_iid LIMIT " + count,
                rs -> new OpenMergeRequest(
                        rs.getLong(1),
                        rs.getLong(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getString(6)),
                timestamp(before));
    }

    /** The statuses of this merge request were read at {@code at}. */
    public void statusRead(long projectId, long iid, Instant at) {
        jdbc.update(
                "UPDATE open_merge_request SET status_read_at = ? WHERE project_id = ? AND mr_iid = ?",
                timestamp(at),
                projectId,
                iid);
    }

    /** How many open merge requests the sweep knows. */
    public long open() {
        return jdbc.first("SELECT COUNT(*) FROM open_merge_request", rs -> rs.getLong(1))
                .orElse(0L);
    }
}
