package io.policygate.packaged;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.policygate.testing.FakeGitLab;
import io.policygate.testing.FlakyGitLab;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 100,000 jobs queued while GitLab is down: they live in the database, not in the heap; the service stays ready,
 * and once GitLab is back, though it answers up to 50 ms late, and 3% of the time 429, 5xx or not at all, every one is
 * reported. No step hangs: none takes longer than the longest a GitLab call may take (connect and read timeouts)
 * and a margin, where a step whose permit, completion or wake-up was lost would wait out its lease (2 minutes);
 * every log line of a job's steps names its evaluation.
 */
class QueueAtScaleIT {

    private static final int JOBS = 100_000;
    /** The longest one GitLab call may take (policy-gate.gitlab.connect-timeout + read-timeout), and a margin. */
    private static final Duration LONGEST_STEP = Duration.ofSeconds(5 + 20).plusSeconds(10);

    private static final Pattern EVALUATION = Pattern.compile("Evaluation ([0-9a-f-]{36})");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path work;

    @Test
    void hundredThousandQueuedJobsKeepMemoryFlatAndAllAreReported() throws Exception {
        FakeGitLab.SHARED.reset();
        FlakyGitLab flaky = new FlakyGitLab(50, 0.03);
        // Delayed answers wait on a scheduler of their own, not on the server's threads, as GitLab's would.
        WireMockServer gitlab = new WireMockServer(FakeGitLab.options()
                .extensions(flaky)
                .dynamicPort()
                .maxRequestJournalEntries(100)
                .containerThreads(20)
                .asynchronousResponseEnabled(true)
                .asynchronousResponseThreads(8));
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
                flaky.start();
                long draining = System.nanoTime();
                awaitAllReported(postgres);
                long drainMillis =
                        Duration.ofNanos(System.nanoTime() - draining).toMillis();
                assertEquals(0, count(postgres, "state <> 'reported'"));
                long longestStep = longestStepMillis(postgres);
                assertTrue(
                        longestStep <= LONGEST_STEP.toMillis(),
                        "a step took " + longestStep + " ms: longer than any GitLab call may take");
                assertTrue(
                        count(postgres, "id IN (SELECT job_id FROM report_attempt WHERE outcome = 'transient')") > 0,
                        "GitLab's faults reached the jobs: " + flaky.done());
                everyLineOfAStepNamesItsEvaluation(service.log());
                System.out.printf(
                        "100,000 queued jobs: inserted in %d ms; live heap %d MiB before, %d MiB with GitLab"
                                + " down; all reported in %d ms after GitLab returned (%.0f jobs/s), GitLab %s;"
                                + " longest step %d ms; 0 lost%n",
                        insertMillis,
                        liveBefore >> 20,
                        liveWhileDown >> 20,
                        drainMillis,
                        JOBS * 1000.0 / drainMillis,
                        flaky.done(),
                        longestStep);
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

    private static long longestStepMillis(EmbeddedPostgres postgres) throws Exception {
        try (Connection c = postgres.getPostgresDatabase().getConnection();
                ResultSet rs = c.createStatement().executeQuery("SELECT MAX(duration_ms) FROM report_attempt")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** A line that names an evaluation ("Evaluation <id> …") carries that id in its MDC, as every line of its steps. */
    private static void everyLineOfAStepNamesItsEvaluation(String log) {
        long lines = 0;
        for (String line : log.lines().toList()) {
            Matcher named = EVALUATION.matcher(line);
            if (named.find()) {
                lines++;
                assertTrue(line.contains("\"evaluationId\":\"" + named.group(1) + "\""), line);
            }
        }
        assertTrue(lines >= JOBS, "every job's step logged its outcome: " + lines + " lines");
    }

    private static long count(EmbeddedPostgres postgres, String where) throws Exception {
        try (Connection c = postgres.getPostgresDatabase().getConnection();
                ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM evaluation_job WHERE " + where)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
