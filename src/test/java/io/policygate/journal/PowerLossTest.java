package io.policygate.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.policygate.testing.FaultyDisk;
import io.policygate.testing.OnFaultyDisk;
import io.policygate.testing.Payloads;
import io.policygate.testing.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * A 202 on the embedded H2 journal survives a power loss: the journal file runs on a disk that keeps only what
 * was forced to the device ({@link FaultyDisk}), the power is cut right after the last 202, and what
 * survives on that disk is opened as a journal again.
 */
@QuarkusTest
@TestProfile(OnFaultyDisk.class)
class PowerLossTest {

    private static final String FILE = OnFaultyDisk.FILE;

    @Test
    void everyWebhookAnswered202IsInTheJournalAfterAPowerLoss() throws Exception {
        int webhooks = 40;
        ExecutorService senders = Executors.newFixedThreadPool(8);
        List<Future<String>> answers = new ArrayList<>();
        for (int i = 0; i < webhooks; i++) {
            String body = Payloads.forMergeRequest(Payloads.SAMPLE, 1000 + i, Payloads.sha(1000 + i));
            answers.add(senders.submit(() -> Webhooks.accept(body)));
        }
        Set<String> accepted = new HashSet<>();
        for (Future<String> answer : answers) {
            accepted.add(answer.get());
        }
        senders.shutdown();

        Path image = Path.of("target", "power-loss-image-" + UUID.randomUUID(), "policy-gate.mv.db");
        FaultyDisk.afterPowerLoss(FILE + ".mv.db", image);

        Set<String> survived = new HashSet<>();
        // An image that was never forced is empty: H2 opens it as a new database without the journal's table.
        String url = "jdbc:h2:file:" + image.toAbsolutePath().toString().replace(".mv.db", "");
        try (Connection c = DriverManager.getConnection(url, "policygate", "");
                ResultSet rs = c.createStatement().executeQuery("SELECT id FROM evaluation_job")) {
            while (rs.next()) {
                survived.add(rs.getString(1));
            }
        } catch (SQLException e) {
            if (!e.getMessage().contains("EVALUATION_JOB")) {
                throw e;
            }
        }
        assertEquals(webhooks, accepted.size());
        Set<String> lost = new HashSet<>(accepted);
        lost.removeAll(survived);
        assertTrue(
                lost.isEmpty(), lost.size() + " of " + webhooks + " accepted webhooks lost by the power cut: " + lost);
    }
}
