package io.policygate.journal;

import io.policygate.event.CheckKey;
import io.policygate.event.Origin;
import io.policygate.event.Trigger;
import java.sql.ResultSet;
import java.sql.SQLException;

/** How a job's {@link Trigger} is stored: the columns that hold it, and reading them back. */
final class Triggers {

    /** The trigger's columns, in the order {@link #read} takes them. */
    static final String COLUMNS = "project_id, mr_iid, check_id, sha, origin, trigger_action, delivery_id,"
            + " project_path, mr_title, check_name, source_branch, target_branch, triggered_by, gitlab_status";

    private Triggers() {}

    /** The trigger in {@link #COLUMNS}, starting at column {@code first}. */
    static Trigger read(ResultSet rs, int first) throws SQLException {
        return new Trigger(
                new CheckKey(rs.getLong(first), rs.getLong(first + 1), rs.getLong(first + 2)),
                rs.getString(first + 3),
                Origin.fromDb(rs.getString(first + 4)),
                rs.getString(first + 5),
                rs.getString(first + 6),
                new Trigger.Names(
                        rs.getString(first + 7),
                        rs.getString(first + 8),
                        rs.getString(first + 9),
                        rs.getString(first + 10),
                        rs.getString(first + 11),
                        rs.getString(first + 12)),
                rs.getString(first + 13));
    }
}
