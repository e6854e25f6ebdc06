package io.policygate.journal;

import static io.policygate.journal.Jdbc.instant;
import static io.policygate.journal.Jdbc.timestamp;
import static io.policygate.journal.Jdbc.truncate;

import io.policygate.event.CheckKey;
import io.policygate.policy.PolicyOrigin;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The queue of merge request notes: a job that ends reported with a note due is leased here to one writer
 * (across replicas), and what came of writing it is recorded on the job's row.
 */
@ApplicationScoped
public class NoteQueue {

    private final Jdbc jdbc;
    private final Clock clock;

    @Inject
    public NoteQueue(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /**
     * A reported verdict whose merge request note is due, leased to one writer. {@code tampered}: what the job found
     * GitLab showing that policy-gate had not given, or null; {@code checkName}: the status check's name as GitLab
     * listed it for the verdict (null for a row stored before policy-gate kept it: the note then says "policy-gate").
     */
    public record DueNote(
            String id,
            CheckKey key,
            String sha,
            String verdictDetail,
            int attempts,
            Instant finishedAt,
            String tampered,
            String checkName,
            PolicyOrigin policyOrigin) {}

    /**
     * Leases the next due note to {@code owner}. A finished job's lease columns are free, so notes use them:
     * one writer per note across replicas, and a crashed writer's lease expires to another.
     */
    public Optional<DueNote> claimNote(String owner, Duration lease) {
        Instant now = clock.instant();
        return jdbc.inTransaction("cannot claim a note", c -> {
            Optional<String> id = new OldestDueRow(
                            "note_due_at BETWEEN ? AND ? AND (lease_until IS NULL OR lease_until < ?)",
                            "note_due_at",
                            List.of(timestamp(Instant.EPOCH), timestamp(now), timestamp(now)),
                            "lease_owner = ?, lease_until = ?",
                            List.of(owner, timestamp(now.plus(lease))))
                    .take(c, jdbc.dialect());
            if (id.isEmpty()) {
                return Optional.<DueNote>empty();
            }
            return Jdbc.first(
                    c,
                    "SELECT id, project_id, mr_iid, check_id, sha, verdict_detail, note_attempts, finished_at, tampered,"
                            + " check_name, policy_source, policy_commit FROM evaluation_job WHERE id = ?",
                    rs -> new DueNote(
                            rs.getString(1),
                            new CheckKey(rs.getLong(2), rs.getLong(3), rs.getLong(4)),
                            rs.getString(5),
                            rs.getString(6),
                            rs.getInt(7),
                            instant(rs, 8),
                            rs.getString(9),
                            rs.getString(10),
                            new PolicyOrigin(rs.getString(11), rs.getString(12))),
                    id.get());
        });
    }

    /**
     * Records what came of writing a note. With {@code retryAt} the note is due again then; without, it is
     * done. {@code attempted} is false when GitLab was not asked (circuit breaker).
     */
    public boolean recordNote(String id, String owner, String result, boolean attempted, Instant retryAt) {
        return jdbc.update(
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

    /** True when a verdict for the key was reported after {@code finishedAt}: an older note would overwrite it. */
    public boolean reportedAfter(CheckKey key, Instant finishedAt) {
        return keyHas(key, "state = 'reported' AND finished_at > ?", timestamp(finishedAt));
    }

    /** True when a job of the key meets {@code condition} (with its one parameter). */
    private boolean keyHas(CheckKey key, String condition, Object parameter) {
        return jdbc.exists(
                "SELECT 1 FROM evaluation_job WHERE project_id = ? AND mr_iid = ? AND check_id = ? AND " + condition,
                key.projectId(),
                key.mergeRequestIid(),
                key.checkId(),
                parameter);
    }
}
