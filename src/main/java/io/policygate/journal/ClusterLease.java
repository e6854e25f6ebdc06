package io.policygate.journal;

import static io.policygate.journal.Jdbc.timestamp;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Leases across the replicas that share the journal: named ones (a scheduled task, one merge request's note), and
 * giving back every lease a process holds, jobs' and notes' included, when it stops.
 */
@ApplicationScoped
public class ClusterLease {

    /**
     * Hands leases back. A leased job is due at the end of its lease (JobQueue#claimNext): handed back, it is due
     * now. A finished job's note lease leaves its due time NULL.
     */
    private static final String RELEASE = "UPDATE evaluation_job SET lease_owner = NULL, lease_until = NULL,"
            + " next_attempt_at = CASE WHEN next_attempt_at IS NULL THEN next_attempt_at ELSE ? END";

    private final Jdbc jdbc;
    private final Clock clock;

    @Inject
    public ClusterLease(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /**
     * Takes (or renews) a cluster-wide lease by name, so that one replica at a time does what it guards: a
     * scheduled task, or writing one merge request's note. Names are at most 64 characters. The table is
     * named scheduler_lease after its first use.
     *
     * @return true when {@code owner} holds the lease until {@code now + duration}
     */
    public boolean acquire(String name, String owner, Duration duration) {
        Instant now = clock.instant();
        return jdbc.withConnection("cannot take the lease " + name, c -> {
            int taken = Jdbc.update(
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
            if (Jdbc.exists(c, "SELECT 1 FROM scheduler_lease WHERE name = ?", name)) {
                return false;
            }
            try {
                return Jdbc.update(
                                c,
                                "INSERT INTO scheduler_lease (name, owner, lease_until) VALUES (?, ?, ?)",
                                name,
                                owner,
                                timestamp(now.plus(duration)))
                        == 1;
            } catch (SQLException e) {
                if (Jdbc.UNIQUE_VIOLATION.equals(e.getSQLState())) {
                    return false;
                }
                throw e;
            }
        });
    }

    /** Gives up a lease taken with {@link #acquire} before it expires. */
    public void release(String name, String owner) {
        jdbc.update("DELETE FROM scheduler_lease WHERE name = ? AND owner = ?", name, owner);
    }

    /** Gives back this process's leases (graceful shutdown) so another process need not wait for them. */
    public int releaseAll(String owner) {
        jdbc.update("DELETE FROM scheduler_lease WHERE owner = ?", owner);
        return jdbc.update(RELEASE + " WHERE lease_owner = ?", timestamp(clock.instant()), owner);
    }

    /**
     * Releases every lease. Only safe when no other process can share the journal: the embedded H2 file
     * is locked by one process, so any lease in it belongs to a process that has stopped.
     */
    public int releaseEvery() {
        jdbc.update("DELETE FROM scheduler_lease");
        return jdbc.update(RELEASE + " WHERE lease_owner IS NOT NULL", timestamp(clock.instant()));
    }

    /**
     * True when no other process can share this journal: an embedded H2 database (file or memory). H2 locks its
     * file to one process; a server-mode or AUTO_SERVER URL could be shared, so it does not count.
     */
    public boolean exclusive() {
        return jdbc.dialect().exclusive();
    }
}
