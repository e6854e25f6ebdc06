package io.policygate.packaged;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.policygate.testing.EmbeddedPostgres;
import io.policygate.testing.FakeGitLab;
import io.policygate.testing.GitLabStubs;
import io.policygate.testing.Payloads;
import io.policygate.testing.ServiceProcess;
import io.policygate.testing.StubbedServers;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real processes, real faults: the packaged jar killed with SIGKILL after answering 202, two replicas on
 * one PostgreSQL with one killed mid-flight, and SIGTERM while reports are in flight. WireMock plays
 * GitLab; every accepted webhook must end with its own SHA reported.
 */
class ProcessFaultsIT {

    private static final Pattern MR = Pattern.compile("/merge_requests/(\\d+)/status_check_responses");
    private static final Pattern SHA = Pattern.compile("\"sha\":\"([0-9a-f]{40})\"");
    private static final Pattern STATUS = Pattern.compile("\"status\":\"(\\w+)\"");

    @TempDir
    Path work;

    private WireMockServer gitlab;

    @BeforeEach
    void startGitLab() {
        // A GitLab of this test's own: the shared fake still holds earlier tests' merge requests of the same
        // project, which a restarted service's reconciliation sweep would find open and report.
        FakeGitLab.SHARED.reset();
        gitlab = new WireMockServer(FakeGitLab.options().dynamicPort());
        gitlab.start();
        GitLabStubs.acceptAll(gitlab);
    }

    @AfterEach
    void stopGitLab() {
        try {
            StubbedServers.assertNoUnexpectedRequest(gitlab);
        } finally {
            gitlab.stop();
        }
    }

    /** One POST to status_check_responses: merge request, SHA, status, and GitLab's answer. */
    private record Report(int iid, String sha, String status, int answer) {}

    private List<Report> reports() {
        return gitlab.getAllServeEvents().stream()
                .map(ServeEvent::getRequest)
                .filter(r -> MR.matcher(r.getUrl()).find())
                .map(r -> {
                    ServeEvent event = gitlab.getAllServeEvents().stream()
                            .filter(e -> e.getRequest() == r)
                            .findFirst()
                            .orElseThrow();
                    return report(
                            r.getUrl(), r.getBodyAsString(), event.getResponse().getStatus());
                })
                .toList();
    }

    private static Report report(String url, String body, int answer) {
        Matcher mr = MR.matcher(url);
        Matcher sha = SHA.matcher(body);
        Matcher status = STATUS.matcher(body);
        if (!mr.find() || !sha.find() || !status.find()) {
            throw new AssertionError("unexpected report " + url + " " + body);
        }
        return new Report(Integer.parseInt(mr.group(1)), sha.group(1), status.group(1), answer);
    }

    /** Every merge request got a 201 for exactly its SHA, and no POST carried another SHA. */
    private void awaitAllDelivered(Map<Integer, String> shas, Duration within, ServiceProcess service)
            throws IOException {
        try {
            await().atMost(within).pollInterval(Duration.ofMillis(500)).until(() -> {
                Set<Integer> delivered = new HashSet<>();
                reports().stream().filter(r -> r.answer() == 201).forEach(r -> delivered.add(r.iid()));
                return delivered.containsAll(shas.keySet());
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("not all reported; the service's log:\n" + service.log(), e);
        }
        for (Report report : reports()) {
            assertEquals(shas.get(report.iid()), report.sha(), "MR " + report.iid() + " was reported for another SHA");
        }
    }

    private static Map<Integer, String> send(ServiceProcess service, int from, int count) throws Exception {
        Map<Integer, String> shas = new HashMap<>();
        for (int iid = from; iid < from + count; iid++) {
            String sha = Payloads.sha(iid * 7919);
            assertEquals(
                    202,
                    service.sendSigned(Payloads.forMergeRequest(Payloads.COMPLIANT, iid, sha))
                            .statusCode());
            shas.put(iid, sha);
        }
        return shas;
    }

    @Test
    void killedAfterAcceptingWhileGitLabIsDownEveryJobIsReportedAfterRestart() throws Exception {
        gitlab.stubFor(GitLabStubs.statusResponses().willReturn(aResponse().withStatus(503)));
        Map<String, String> env = ServiceProcess.reportingTo(gitlab.baseUrl());
        Map<Integer, String> shas;
        try (ServiceProcess first = ServiceProcess.start(work, "first", env)) {
            first.awaitReady(System.nanoTime());
            shas = send(first, 1, 30);
            await().atMost(Duration.ofSeconds(20)).until(() -> !reports().isEmpty());
            first.kill();
        }
        int attemptsBeforeKill = reports().size();
        GitLabStubs.acceptAll(gitlab);

        try (ServiceProcess second = ServiceProcess.start(work, "second", env)) {
            second.awaitReady(System.nanoTime());
            awaitAllDelivered(shas, Duration.ofSeconds(60), second);
            System.out.printf(
                    "kill -9 after 202: 30 accepted, %d attempts before the kill (GitLab 503), 30 reported"
                            + " after restart, 0 lost%n",
                    attemptsBeforeKill);
            assertTrue(second.terminate(30));
        }
    }

    @Test
    void killedWhileTheAuditSinkRefusedEveryDecisionRecordArrivesAfterRestartInOrder() throws Exception {
        WireMockServer sink = new WireMockServer(WireMockConfiguration.options().dynamicPort());
        sink.start();
        try {
            sink.stubFor(post("/audit").willReturn(aResponse().withStatus(503).withBody("indexer busy")));
            Map<String, String> env = new HashMap<>(ServiceProcess.reportingTo(gitlab.baseUrl()));
            env.put("POLICY_GATE_AUDIT_SINK_URL", sink.baseUrl() + "/audit");
            env.put("POLICY_GATE_AUDIT_SINK_FORMAT", "cloudevents");
            env.put("POLICY_GATE_AUDIT_SINK_HEADERS_AUTHORIZATION", "Splunk test-hec-token");
            String pushed = Payloads.sha(99_991);
            try (ServiceProcess first = ServiceProcess.start(work, "first", env)) {
                first.awaitReady(System.nanoTime());
                awaitAllDelivered(send(first, 1, 8), Duration.ofSeconds(30), first);
                // A push to merge request 1: its second verdict's record must arrive after its first.
                assertEquals(
                        202,
                        first.sendSigned(Payloads.forMergeRequest(Payloads.COMPLIANT, 1, pushed))
                                .statusCode());
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> reports().stream()
                                .anyMatch(r -> r.iid() == 1 && r.sha().equals(pushed) && r.answer() == 201));
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> !sink.getAllServeEvents().isEmpty());
                first.kill();
            }
            int refused = sink.getAllServeEvents().size();
            sink.resetAll();
            sink.stubFor(post("/audit").willReturn(aResponse().withStatus(200).withBody("{\"text\":\"Success\"}")));

            try (ServiceProcess second = ServiceProcess.start(work, "second", env)) {
                second.awaitReady(System.nanoTime());
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> sink.getAllServeEvents().size() >= 9);
                List<JsonNode> events = new ArrayList<>();
                for (ServeEvent event : sink.getAllServeEvents()) {
                    assertEquals("Splunk test-hec-token", event.getRequest().getHeader("Authorization"));
                    assertEquals(
                            "application/cloudevents+json", event.getRequest().getHeader("Content-Type"));
                    events.add(0, new ObjectMapper().readTree(event.getRequest().getBodyAsString()));
                }
                assertEquals(9, events.size(), "every record once, none lost: " + events);
                assertTrue(events.stream()
                        .allMatch(e -> e.path("type").asText().equals("io.policygate.decision-record.v1")));
                List<String> mergeRequestOne = events.stream()
                        .filter(e -> e.at("/data/mergeRequestIid").asInt() == 1)
                        .map(e -> e.at("/data/sha").asText())
                        .toList();
                assertEquals(List.of(Payloads.sha(7919), pushed), mergeRequestOne, "in order per merge request");
                assertTrue(events.stream()
                        .allMatch(e -> e.at("/data/decisionRecord/payloadType")
                                .asText()
                                .equals("application/vnd.in-toto+json")));
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> HttpClient.newHttpClient()
                                .send(
                                        HttpRequest.newBuilder(second.uri("/q/metrics"))
                                                .build(),
                                        HttpResponse.BodyHandlers.ofString())
                                .body()
                                .contains("policy_gate_audit_sink_lag_seconds 0.0"));
                System.out.printf(
                        "audit sink refusing, kill -9: 9 verdicts reported, %d refused deliveries before the kill, 9"
                                + " records delivered after restart, in order per merge request, 0 lost%n",
                        refused);
                assertTrue(second.terminate(30));
            }
        } finally {
            sink.stop();
        }
    }

    @Test
    void twoReplicasOnOnePostgresOneKilledMidFlight() throws Exception {
        try (io.zonky.test.db.postgres.embedded.EmbeddedPostgres postgres = EmbeddedPostgres.startServer()) {
            gitlab.stubFor(GitLabStubs.statusResponses()
                    .willReturn(aResponse().withStatus(201).withBody("{}").withFixedDelay(500)));
            Map<String, String> env = new HashMap<>(ServiceProcess.reportingTo(gitlab.baseUrl()));
            env.put("POLICY_GATE_DB_URL", "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres");
            env.put("POLICY_GATE_DB_USERNAME", "postgres");
            env.put("POLICY_GATE_WORKER_LEASE", "3s");
            Map<Integer, String> shas = new HashMap<>();
            try (ServiceProcess a = ServiceProcess.start(work, "replica-a", env);
                    ServiceProcess b = ServiceProcess.start(work, "replica-b", env)) {
                a.awaitReady(System.nanoTime());
                b.awaitReady(System.nanoTime());
                for (int batch = 0; batch < 6; batch++) {
                    shas.putAll(send(batch % 2 == 0 ? a : b, 1 + batch * 10, 10));
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> reports().size() >= 10);
                a.kill();
                int reportedBeforeKill = reports().size();

                awaitAllDelivered(shas, Duration.ofSeconds(90), b);
                Map<Integer, Set<String>> verdicts = new HashMap<>();
                reports()
                        .forEach(r -> verdicts.computeIfAbsent(r.iid(), k -> new HashSet<>())
                                .add(r.status()));
                verdicts.forEach((iid, statuses) -> assertEquals(1, statuses.size(), "MR " + iid + " got " + statuses));
                long twice = reports().size() - shas.size();
                System.out.printf(
                        "two replicas on PostgreSQL, one killed: 60 accepted, %d reported before the kill,"
                                + " 60 reported in the end, %d posted twice (same verdict), 0 lost%n",
                        reportedBeforeKill, twice);
                assertTrue(b.terminate(30));
            }
        }
    }

    @Test
    void sigtermFinishesOrReleasesWorkInFlight() throws Exception {
        gitlab.stubFor(GitLabStubs.statusResponses()
                .willReturn(aResponse().withStatus(201).withBody("{}").withFixedDelay(1500)));
        Map<String, String> env = ServiceProcess.reportingTo(gitlab.baseUrl());
        Map<Integer, String> shas;
        try (ServiceProcess first = ServiceProcess.start(work, "first", env)) {
            first.awaitReady(System.nanoTime());
            shas = send(first, 1, 12);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> !gitlab.getAllServeEvents().isEmpty());
            assertTrue(first.terminate(30), "SIGTERM must stop the service within its grace period");
            String log = first.log();
            assertFalse(
                    log.contains("\"level\":\"ERROR\"") || log.contains("already closed"),
                    "the stop must be clean:\n" + log);
        }
        int deliveredBeforeRestart =
                (int) reports().stream().filter(r -> r.answer() == 201).count();
        try (ServiceProcess second = ServiceProcess.start(work, "second", env)) {
            second.awaitReady(System.nanoTime());
            awaitAllDelivered(shas, Duration.ofSeconds(60), second);
            System.out.printf(
                    "SIGTERM with reports in flight: 12 accepted, %d reported before the stop, the rest after"
                            + " restart, 0 lost%n",
                    deliveredBeforeRestart);
            assertTrue(second.terminate(30));
        }
    }
}
