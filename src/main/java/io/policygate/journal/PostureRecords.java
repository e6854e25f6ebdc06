package io.policygate.journal;

import static io.policygate.journal.Jdbc.instant;
import static io.policygate.journal.Jdbc.timestamp;
import static io.policygate.journal.Jdbc.truncate;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Each covered project's gate posture as last judged (journal table project_posture). */
@ApplicationScoped
public class PostureRecords {

    /** A project's posture: ok, or the problems, one line each. */
    public record Posture(long id, String path, boolean ok, List<String> problems, Instant judgedAt) {}

    private static final String COLUMNS = "project_id, project_path, ok, problems, judged_at";

    private final Jdbc jdbc;

    @Inject
    public PostureRecords(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** Every project's posture, the ones with problems first, then by path. */
    public List<Posture> all() {
        return jdbc.list(
                "SELECT " + COLUMNS + " FROM project_posture ORDER BY ok, project_path, project_id",
                PostureRecords::posture);
    }

    public Optional<Posture> of(long projectId) {
        return jdbc.first(
                "SELECT " + COLUMNS + " FROM project_posture WHERE project_id = ?", PostureRecords::posture, projectId);
    }

    /** When each project's posture was last judged. */
    public Map<Long, Instant> judgedAt() {
        Map<Long, Instant> judged = new HashMap<>();
        jdbc.list("SELECT project_id, judged_at FROM project_posture", rs -> Map.entry(rs.getLong(1), instant(rs, 2)))
                .forEach(entry -> judged.put(entry.getKey(), entry.getValue()));
        return judged;
    }

    public void record(Posture posture) {
        String problems = posture.problems().isEmpty() ? null : String.join("\n", posture.problems());
        Object[] values = {truncate(posture.path()), posture.ok(), problems, timestamp(posture.judgedAt()), posture.id()
        };
        if (jdbc.update(
                        "UPDATE project_posture SET project_path = ?, ok = ?, problems = ?, judged_at = ?"
                                + " WHERE project_id = ?",
                        values)
                == 0) {
            jdbc.update(
                    "INSERT INTO project_posture (project_path, ok, problems, judged_at, project_id)"
                            + " VALUES (?, ?, ?, ?, ?)",
                    values);
        }
    }

    private static Posture posture(ResultSet rs) throws SQLException {
        String problems = rs.getString(4);
        return new Posture(
                rs.getLong(1),
                rs.getString(2),
                rs.getBoolean(3),
                problems == null ? List.of() : Arrays.asList(problems.split("\n")),
                instant(rs, 5));
    }
}
