package db.migration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.policygate.event.Origin;
import io.policygate.event.Trigger;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Second step of V16: each job stored with a payload gets its trigger's columns from it, and its payload goes.
 * The payloads were written by policy-gate itself (a webhook's body filtered to the fields it read, or a body it
 * built from GitLab's answer, {@code policy_gate_origin} naming what asked), so they are read as they are. Rows are
 * moved a batch at a time, each batch in a statement of its own, so that the journal's size does not decide the
 * memory this takes. A Java migration (Flyway finds it under db/migration, as the SQL ones) because H2 and
 * PostgreSQL share no way of reading JSON in SQL.
 */
public class V17__triggers_from_payloads extends BaseJavaMigration {

    private static final int BATCH = 500;
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Moved(
            String id,
            String origin,
            String action,
            String projectPath,
            String title,
            String checkName,
            String sourceBranch,
            String targetBranch,
            String triggeredBy) {}

    @Override
    public void migrate(Context context) throws SQLException {
        Connection c = context.getConnection();
        String after = "";
        while (true) {
            List<Moved> batch = new ArrayList<>();
            try (PreparedStatement select = c.prepareStatement("SELECT id, payload FROM evaluation_job"
                    + " WHERE payload IS NOT NULL AND id > ? ORDER BY id LIMIT " + BATCH)) {
                select.setString(1, after);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        batch.add(moved(rs.getString(1), rs.getString(2)));
                    }
                }
            }
            if (batch.isEmpty()) {
                return;
            }
            try (PreparedStatement update = c.prepareStatement("UPDATE evaluation_job SET origin = ?,"
                    + " trigger_action = ?, project_path = COALESCE(project_path, ?), mr_title = COALESCE(mr_title, ?),"
                    + " check_name = COALESCE(check_name, ?), source_branch = ?, target_branch = ?, triggered_by = ?,"
                    + " payload = NULL WHERE id = ?")) {
                for (Moved row : batch) {
                    update.setString(1, row.origin());
                    update.setString(2, row.action());
                    update.setString(3, row.projectPath());
                    update.setString(4, row.title());
                    update.setString(5, row.checkName());
                    update.setString(6, row.sourceBranch());
                    update.setString(7, row.targetBranch());
                    update.setString(8, row.triggeredBy());
                    update.setString(9, row.id());
                    update.addBatch();
                }
                update.executeBatch();
            }
            after = batch.get(batch.size() - 1).id();
        }
    }

    /** The trigger's columns in one stored payload; none but the origin when it is not the JSON it should be. */
    private static Moved moved(String id, String payload) {
        JsonNode root;
        try {
            root = JSON.readTree(payload);
        } catch (IOException e) {
            root = JSON.createObjectNode();
        }
        JsonNode attributes = root.path("object_attributes");
        Trigger.Names names = new Trigger.Names(
                text(root.path("project").path("path_with_namespace")),
                text(attributes.path("title")),
                text(root.path("external_approval_rule").path("name")),
                text(attributes.path("source_branch")),
                text(attributes.path("target_branch")),
                text(root.path("user").path("username")));
        return new Moved(
                id,
                origin(root).dbName(),
                Trigger.cut(text(attributes.path("action"))),
                names.projectPath(),
                names.title(),
                names.checkName(),
                names.sourceBranch(),
                names.targetBranch(),
                names.triggeredBy());
    }

    private static Origin origin(JsonNode root) {
        String origin = root.path("policy_gate_origin").asText("");
        for (Origin known : Origin.values()) {
            if (known.dbName().equals(origin)) {
                return known;
            }
        }
        return Origin.WEBHOOK;
    }

    private static String text(JsonNode node) {
        return node.isTextual() ? node.textValue() : null;
    }
}
