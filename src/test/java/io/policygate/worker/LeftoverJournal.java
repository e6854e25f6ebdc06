package io.policygate.worker;

import io.policygate.testing.FakeGitLab;
import io.policygate.testing.Payloads;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import org.flywaydb.core.Flyway;

/**
 * An H2 journal file as a process of the release before typed triggers leaves it when it stops mid-work (its schema
 * at V15, each job with its webhook's payload): one job never claimed, one claimed while evaluating, one with a
 * verdict still to report. Written before the service starts on it, which migrates it first.
 */
public class LeftoverJournal implements QuarkusTestResourceLifecycleManager {

    static final String QUEUED = "00000000-0000-0000-0000-000000000011";
    static final String EVALUATING = "00000000-0000-0000-0000-000000000012";
    static final String REPORTING = "00000000-0000-0000-0000-000000000013";
    static final String SHA_11 = "1111111111111111111111111111111111111111";
    static final String SHA_12 = "1212121212121212121212121212121212121212";
    static final String SHA_13 = "1313131313131313131313131313131313131313";

    private Path dir;

    @Override
    public Map<String, String> start() {
        try {
            dir = Files.createTempDirectory("policy-gate-leftover");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String url = "jdbc:h2:file:" + dir.resolve("journal");
        Flyway.configure()
                .dataSource(url, "policygate", "")
                .locations("classpath:db/migration", "classpath:db/h2")
                .target("15")
                .load()
                .migrate();
        try (Connection c = DriverManager.getConnection(url, "policygate", "")) {
            OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
            insert(c, QUEUED, 11, SHA_11, "queued", null, null, now);
            // A lease far in the future: only the fact that H2 is exclusive to one process frees it.
            insert(c, EVALUATING, 12, SHA_12, "evaluating", null, now.plusHours(1), now);
            insert(c, REPORTING, 13, SHA_13, "reporting", "failed", now.plusHours(1), now);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return Map.of("policy-gate.db.url", url);
    }

    private static void insert(
            Connection c,
            String id,
            int iid,
            String sha,
            String state,
            String verdict,
            OffsetDateTime leaseUntil,
            OffsetDateTime now)
            throws SQLException {
        String payload =
                Payloads.with(Payloads.SAMPLE, "/object_attributes/iid", iid).replace(Payloads.SAMPLE_SHA, sha);
        // GitLab sent it before the process stopped: its merge request is at that commit.
        FakeGitLab.SHARED.sent(payload);
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO evaluation_job (id, project_id, mr_iid,"
                + " check_id, sha, active_key, state, payload, verdict, attempts, next_attempt_at, lease_owner,"
                + " lease_until, created_at, updated_at) VALUES (?, 6, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, id);
            insert.setInt(2, iid);
            insert.setString(3, sha);
            insert.setString(4, "6!" + iid + "#1");
            insert.setString(5, state);
            insert.setString(6, payload);
            insert.setString(7, verdict);
            insert.setInt(8, verdict == null ? 0 : 1);
            insert.setObject(9, now.minusMinutes(1));
            insert.setString(10, leaseUntil == null ? null : "process-that-was-killed");
            insert.setObject(11, leaseUntil);
            insert.setObject(12, now.minusMinutes(2));
            insert.setObject(13, now.minusMinutes(1));
            insert.executeUpdate();
        }
    }

    @Override
    public void stop() {
        // The H2 files stay in the temp folder of the test run; they are small and help diagnose a failure.
    }
}
