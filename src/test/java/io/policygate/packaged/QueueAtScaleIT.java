package io.policygate.packaged;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.policygate.testing.FakeGitLab;
import io.policygate.testing.GitLabStubs;
import io.policygate.testing.Payloads;
import io.policygate.testing.ServiceProcess;
import io.policygate.testing.StubbedServers;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 100,000 jobs queued while GitLab is down: they live in the database, not in the heap; the service
 * stays ready, and once GitLab is back every one is reported.
 */
class QueueAtScaleIT {

    private static final int JOBS = 100_000;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path work;

    @Test
    void hundredThousandQueuedJobsKeepMemoryFlatAndAllAreReported() throws Exception {
        FakeGitLab.SHARED.reset();
        WireMockServer gitlab = new WireMockServer(
                FakeGitLab.options().dynamicPort().maxRequestJournalEntries(100).containerThreads(20));
        gitlab.start();
        try (EmbeddedPostgres postgres = io.policygate.testing.EmbeddedPostgres.startServer()) {
            GitLabStubs.acceptAll(gitlab);
            gitlab.stubFor(GitLabStubs.statusResponses().willReturn(aResponse().withStatus(503)));
            Map<String, String> env = new HashMap<>(ServiceProcess.reportingTo(gitlab.baseUrl()));
            env.put("POLICY_GATE_DB_URL", "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres");
            env.put("POLICY_GATE_DB_USERNAME", "postgres");
            env.put("POLICY_GATE_GITLAB_BREAKER_OPEN_FOR", "2s");
            try (ServiceProcess service = ServiceProcess.start(work, "scale", env)) {
                service.awaitReady(System.nanoTime());
                long liveBefore = service.liveHeap();
                long inserting = System.nanoTime();
                insertQueuedJobs(postgres);
                long insertMillis =
                        Duration.ofNanos(System.nanoTime() - inserting).toMillis();

                Thread.sleep(10_000);
                long liveWhileDown = service.liveHeap();
                assertEquals(
                        200,
                        HTTP.send(
                                        HttpRequest.newBuilder(service.uri("/q/health/ready"))
                                                .build(),
                                        HttpResponse.BodyHandlers.discarding())
                                .statusCode());
                // Flat: the queue lives in the database; the heap holds what it held before the 100,000 jobs arrived.
                assertTrue(
                        liveWhileDown < liveBefore + (32L << 20),
                        "heap after GC: " + (liveBefore >> 20) + " MiB before, " + (liveWhileDown >> 20)
                                + " MiB with 100,000 queued jobs");

                GitLabStubs.acceptAll(gitlab);
                long draining = System.nanoTime();
                awaitAllReported(postgres);
                long drainMillis =
                        Duration.ofNanos(System.nanoTime() - draining).toMillis();
                assertEquals(0, count(postgres, "state <> 'reported'"));
                System.out.printf(
                        "100,000 queued jobs: inserted in %d ms; live heap %d MiB before, %d MiB with GitLab"
                                + " down; all reported in %d ms after GitLab returned (%.0f jobs/s); 0 lost%n",
                        insertMillis, liveBefore >> 20, liveWhileDown >> 20, drainMillis, JOBS * 1000.0 / drainMillis);
                StubbedServers.assertNoUnexpectedRequest(gitlab);
                assertTrue(service.terminate(30));
            }
        } finally {
            gitlab.stop();
        }
    }

    /**
     * Waits until every job is reported. How long that takes depends on the machine, so the test fails only
     * when it is stuck: no first report within the circuit breaker's longest pause (5 min) and a minute, or
     * once reports flow, none for a minute.
     */
    private static void awaitAllReported(EmbeddedPostgres postgres) throws Exception {
        long reported = 0;
        long progressAt = System.nanoTime();
        while (reported < JOBS) {
            Thread.sleep(2_000);
            long now = count(postgres, "state = 'reported'");
            if (now > reported) {
                reported = now;
                progressAt = System.nanoTime();
            } else {
                Duration stall = reported == 0 ? Duration.ofMinutes(6) : Duration.ofMinutes(1);
                assertTrue(
                        System.nanoTime() - progressAt < stall.toNanos(),
                        "no job reported for " + stall.toMinutes() + " min: " + reported + " of " + JOBS);
            }
        }
    }

    private static void insertQueuedJobs(EmbeddedPostgres postgres) throws Exception {
        try (Connection c = postgres.getPostgresDatabase().getConnection()) {
            c.setAutoCommit(false);
            OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO evaluation_job (id, project_id, mr_iid,"
                    + " check_id, sha, active_key, state, payload, next_attempt_at, created_at, updated_at)"
                    + " VALUES (?, 6, ?, 1, ?, ?, 'queued', ?, ?, ?, ?)")) {
                String template = Payloads.raw(Payloads.COMPLIANT)
                        .replace(
                                "\"title\": \"compliance-reviewed\"",
                                "\"title\": \"compliance-reviewed\"}, {\"title\": \"platform-approved\"");
                for (int iid = 1; iid <= JOBS; iid++) {
                    String sha = Payloads.sha(iid);
                    insert.setString(1, UUID.randomUUID().toString());
                    insert.setInt(2, iid);
                    insert.setString(3, sha);
                    insert.setString(4, "6!" + iid + "#1");
                    String payload = template.replace("\"iid\": 4,", "\"iid\": " + iid + ",")
                            .replace(Payloads.SAMPLE_SHA, sha);
                    // As if GitLab had sent it: its merge request is at this HEAD.
                    FakeGitLab.SHARED.sent(payload);
                    insert.setString(5, payload);
                    insert.setObject(6, now);
                    insert.setObject(7, now);
                    insert.setObject(8, now);
                    insert.addBatch();
                    if (iid % 1000 == 0) {
                        insert.executeBatch();
                        c.commit();
                    }
                }
            }
        }
    }

    private static long count(EmbeddedPostgres postgres, String where) throws Exception {
        try (Connection c = postgres.getPostgresDatabase().getConnection();
                ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM evaluation_job WHERE " + where)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
