package io.policygate.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.policygate.testing.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * V16 and V17 move the jobs of a journal written before typed triggers: each stored payload (a webhook's body as
 * the old intake filtered it, or one policy-gate built from GitLab's answer with policy_gate_origin) becomes the
 * trigger's columns, and the payload goes. On H2 and on PostgreSQL, more rows than one batch.
 */
class TriggerMigrationTest {

    private static final int ROWS = 1_203;

    @Test
    void onH2() throws SQLException {
        migrated("jdbc:h2:mem:trigger-migration-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "", true);
    }

    @Test
    void onPostgres() throws SQLException, IOException {
        try (var postgres = EmbeddedPostgres.startServer()) {
            migrated("jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres", "postgres", "", false);
        }
    }

    private static void migrated(String url, String user, String password, boolean h2) throws SQLException {
        List<String> locations = new ArrayList<>(List.of("classpath:db/migration"));
        if (h2) {
            locations.add("classpath:db/h2");
        }
        Flyway.configure()
                .dataSource(url, user, password)
                .locations(locations.toArray(String[]::new))
                .target("15")
                .load()
                .migrate();
        try (Connection c = DriverManager.getConnection(url, user, password)) {
            for (int i = 0; i < ROWS; i++) {
                String payload = i % 3 == 0
                        ? webhook(i)
                        : i % 3 == 1 ? builtByPolicyGate(i, "reconciliation") : "not the JSON it should be";
                insert(c, i, payload, i % 3 == 0 ? null : "payments/api");
            }
        }
        Flyway.configure()
                .dataSource(url, user, password)
                .locations(locations.toArray(String[]::new))
                .load()
                .migrate();
        try (Connection c = DriverManager.getConnection(url, user, password);
                PreparedStatement select = c.prepareStatement("SELECT origin, trigger_action, project_path, mr_title,"
                        + " check_name, source_branch, target_branch, triggered_by, payload FROM evaluation_job"
                        + " WHERE mr_iid = ?")) {
            assertEquals(0, count(c, "SELECT COUNT(*) FROM evaluation_job WHERE payload IS NOT NULL"));
            assertEquals(ROWS, count(c, "SELECT COUNT(*) FROM evaluation_job WHERE origin IS NOT NULL"));
            select.setLong(1, 3);
            try (ResultSet rs = select.executeQuery()) {
                rs.next();
                // A webhook's job, stored before V13 named it: every name comes from its payload.
                assertEquals("webhook", rs.getString(1));
                assertEquals("update", rs.getString(2));
                assertEquals("flightjs/Flight", rs.getString(3));
                assertEquals("Update README.md", rs.getString(4));
                assertEquals("QA", rs.getString(5));
                assertEquals("root-main-patch-30152", rs.getString(6));
                assertEquals("main", rs.getString(7));
                assertEquals("root", rs.getString(8));
                assertNull(rs.getString(9));
            }
            select.setLong(1, 4);
            try (ResultSet rs = select.executeQuery()) {
                rs.next();
                // A job the sweep queued: its origin, and the name V13 stored kept.
                assertEquals("reconciliation", rs.getString(1));
                assertNull(rs.getString(2));
                assertEquals("payments/api", rs.getString(3));
            }
            select.setLong(1, 5);
            try (ResultSet rs = select.executeQuery()) {
                rs.next();
                // A payload that is not JSON: a webhook's job with the columns it had.
                assertEquals("webhook", rs.getString(1));
                assertEquals("payments/api", rs.getString(3));
                assertNull(rs.getString(9));
            }
        }
    }

    private static String webhook(int iid) {
        return "{\"object_kind\":\"merge_request\",\"user\":{\"username\":\"root\"},\"project\":{\"id\":6,"
                + "\"path_with_namespace\":\"flightjs/Flight\"},\"object_attributes\":{\"iid\":" + iid + ","
                + "\"title\":\"Update README.md\",\"state\":\"opened\",\"action\":\"update\",\"source_branch\":"
                + "\"root-main-patch-30152\",\"target_branch\":\"main\",\"last_commit\":{\"id\":\"" + sha(iid)
                + "\"}},\"external_approval_rule\":{\"id\":1,\"name\":\"QA\"}}";
    }

    private static String builtByPolicyGate(int iid, String origin) {
        return "{\"object_kind\":\"merge_request\",\"policy_gate_origin\":\"" + origin + "\",\"user\":{\"username\":"
                + "\"\"},\"project\":{\"id\":6,\"path_with_namespace\":\"\"},\"object_attributes\":{\"iid\":" + iid
                + ",\"title\":\"Pay\",\"last_commit\":{\"id\":\"" + sha(iid) + "\"}},\"external_approval_rule\":{"
                + "\"id\":1,\"name\":\"QA\"}}";
    }

    private static String sha(int iid) {
        return String.format("%040x", iid);
    }

    private static void insert(Connection c, int iid, String payload, String projectPath) throws SQLException {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO evaluation_job (id, project_id, mr_iid,"
                + " check_id, sha, state, payload, next_attempt_at, created_at, updated_at, project_path)"
                + " VALUES (?, 6, ?, 1, ?, 'queued', ?, ?, ?, ?, ?)")) {
            insert.setString(1, UUID.randomUUID().toString());
            insert.setInt(2, iid);
            insert.setString(3, sha(iid));
            insert.setString(4, payload);
            insert.setObject(5, now);
            insert.setObject(6, now);
            insert.setObject(7, now);
            insert.setString(8, projectPath);
            insert.executeUpdate();
        }
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (var statement = c.createStatement();
                ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
