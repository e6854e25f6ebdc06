package io.policygate.journal;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How the job queue and the note queue lease work: the oldest row of evaluation_job that {@code due} selects
 * (ordered by {@code order}) gets {@code claim}. One of these is declared per queue; {@link #take} is the only
 * place that knows how each database does it.
 *
 * <p>On PostgreSQL, SELECT … FOR UPDATE SKIP LOCKED lets the workers of several replicas claim at once without
 * waiting on each other. H2 locks every matching row for FOR UPDATE, so there a claim would cost more the longer
 * the backlog (16 ms at 10,000 queued jobs, against 0.05 ms without the lock): a few candidates are read unlocked
 * instead and taken by a conditional UPDATE that only one claimer can win. {@code due} bounds its time column from
 * below (BETWEEN epoch and now): H2 sorts NULLs first in an index, and finished rows, NULL there, would otherwise
 * be scanned on every claim (0.9 ms against 0.03 ms at 20,000 finished jobs).
 *
 * @param due the condition of a due row, with {@code dueParameters}
 * @param claim the assignments that lease it, with {@code claimParameters}
 */
record OldestDueRow(String due, String order, List<Object> dueParameters, String claim, List<Object> claimParameters) {

    /** Unlocked candidates read per claim where FOR UPDATE SKIP LOCKED is not used (H2). */
    private static final int CANDIDATES = 8;

    /** The id of the row leased; empty when none is due or free. */
    Optional<String> take(Connection c, JournalDialect dialect) throws SQLException {
        boolean skipLocked = dialect.skipLocked();
        List<String> candidates = Jdbc.list(
                c,
                "SELECT id FROM evaluation_job WHERE " + due + " ORDER BY " + order + " LIMIT "
                        + (skipLocked ? "1 FOR UPDATE SKIP LOCKED" : CANDIDATES),
                rs -> rs.getString(1),
                dueParameters.toArray());
        for (String id : candidates) {
            List<Object> parameters = new ArrayList<>(claimParameters);
            parameters.add(id);
            String taken = "UPDATE evaluation_job SET " + claim + " WHERE id = ?";
            if (!skipLocked) {
                // Another claimer may have taken it since the unlocked read: the row must still be due.
                taken += " AND " + due;
                parameters.addAll(dueParameters);
            }
            if (Jdbc.update(c, taken, parameters.toArray()) == 1) {
                return Optional.of(id);
            }
        }
        return Optional.empty();
    }
}
