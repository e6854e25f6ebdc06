package io.policygate.journal;

import static io.policygate.journal.Jdbc.instant;
import static io.policygate.journal.Jdbc.timestamp;
import static io.policygate.journal.Jdbc.truncate;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * GitLab's external-control requests (journal table external_control_request): kept from the moment policy-gate
 * answers 202 until the control's status is set in GitLab, GitLab refuses it, or GitLab's time for it passed.
 */
@ApplicationScoped
public class ExternalControlRequests {

    /** A request due, leased to one reporter. {@code secretName}: which configured secret signed it (null: the default). */
    public record Due(long projectId, long controlId, String secretName, Instant receivedAt, int attempts) {}

    private final Jdbc jdbc;
    private final Clock clock;

    @Inject
    public ExternalControlRequests(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Keeps a request, due now; one of the same project and control still due or done is replaced. */
    public void accept(long projectId, long controlId, String secretName) {
        Instant now = clock.instant();
        Object[] values = {secretName, timestamp(now), timestamp(now), projectId, controlId};
        if (jdbc.update(
                        "UPDATE external_control_request SET secret_name = ?, received_at = ?, state = 'due',"
                                + " due_at = ?, attempts = 0, status = NULL, detail = NULL, lease_owner = NULL,"
                                + " lease_until = NULL WHERE project_id = ? AND control_id = ?",
                        values)
                == 0) {
            jdbc.update(
                    "INSERT INTO external_control_request (secret_name, received_at, due_at, project_id, control_id,"
                            + " state, attempts) VALUES (?, ?, ?, ?, ?, 'due', 0)",
                    values);
        }
    }

    /** Leases the request due longest to {@code owner} for {@code lease}; empty when none is due. */
    public Optional<Due> claim(String owner, Duration lease) {
        Instant now = clock.instant();
        return jdbc.inTransaction("cannot claim an external-control request", c -> {
            Optional<long[]> key = Jdbc.first(
                    c,
                    "SELECT project_id, control_id FROM external_control_request WHERE state = 'due' AND due_at <= ?"
                            + " AND (lease_until IS NULL OR lease_until < ?) ORDER BY due_at LIMIT 1",
                    rs -> new long[] {rs.getLong(1), rs.getLong(2)},
                    timestamp(now),
                    timestamp(now));
            if (key.isEmpty()) {
                return Optional.<Due>empty();
            }
            // Read unlocked: another claimer may have taken it since, so it must still be due and free.
            if (Jdbc.update(
                            c,
                            "UPDATE external_control_request SET lease_owner = ?, lease_until = ? WHERE project_id = ?"
                                    + " AND control_id = ? AND state = 'due' AND due_at <= ?"
                                    + " AND (lease_until IS NULL OR lease_until < ?)",
                            owner,
                            timestamp(now.plus(lease)),
                            key.get()[0],
                            key.get()[1],
                            timestamp(now),
                            timestamp(now))
                    == 0) {
                return Optional.<Due>empty();
            }
            return Jdbc.first(
                    c,
                    "SELECT project_id, control_id, secret_name, received_at, attempts FROM external_control_request"
                            + " WHERE project_id = ? AND control_id = ?",
                    rs -> new Due(rs.getLong(1), rs.getLong(2), rs.getString(3), instant(rs, 4), rs.getInt(5)),
                    key.get()[0],
                    key.get()[1]);
        });
    }

    /**
     * What came of one attempt: {@code state} reported (GitLab took {@code status}), refused, expired, or due again
     * at {@code retryAt}.
     */
    public void attempted(Due due, String owner, String state, String status, String detail, Instant retryAt) {
        jdbc.update(
                "UPDATE external_control_request SET state = ?, status = ?, detail = ?, due_at = ?,"
                        + " attempts = attempts + 1, lease_owner = NULL, lease_until = NULL WHERE project_id = ?"
                        + " AND control_id = ? AND lease_owner = ?",
                state,
                status,
                truncate(detail),
                retryAt == null ? null : timestamp(retryAt),
                due.projectId(),
                due.controlId(),
                owner);
    }

    /** The request's state and the status last sent, "state status detail"; empty when none was received. */
    public Optional<String> standing(long projectId, long controlId) {
        return jdbc.first(
                "SELECT state, status, detail FROM external_control_request WHERE project_id = ? AND control_id = ?",
                rs -> rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3),
                projectId,
                controlId);
    }
}
