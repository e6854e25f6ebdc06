package io.policygate.packaged;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.policygate.testing.Payloads;
import io.policygate.testing.Webhooks;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar as an operator runs it ({@code java -jar target/quarkus-app/quarkus-run.jar}), in its
 * own process: it refuses configurations that cannot work, and serves when configured.
 */
class PackagedServiceIT {

    private static final Path JAR = Path.of(System.getProperty("quarkus.app.jar", "target/quarkus-app/quarkus-run.jar"));

    @TempDir
    Path work;
    /** The HTTP port of the last process started. */
    private int port;

    private Process start(Map<String, String> env) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toAbsolutePath().toString());
        builder.directory(work.toFile());
        builder.redirectErrorStream(true);
        builder.redirectOutput(work.resolve("out.log").toFile());
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(k -> k.startsWith("POLICY_GATE_") || k.startsWith("QUARKUS_"));
        port = freePort();
        environment.put("QUARKUS_HTTP_PORT", String.valueOf(port));
        environment.put("POLICY_GATE_DB_URL", "jdbc:h2:file:" + work.resolve("data/policy-gate"));
        environment.put("POLICY_GATE_POLICIES_DIR", Path.of("policies").toAbsolutePath().toString());
        environment.putAll(env);
        return builder.start();
    }

    private String refusal(Map<String, String> env) throws Exception {
        Process process = start(env);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the service should have stopped on its own");
        String out = Files.readString(work.resolve("out.log"));
        assertNotEquals(0, process.exitValue(), out);
        return out;
    }

    @Test
    void refusesToStartWithoutWebhookSecret() throws Exception {
        String out = refusal(Map.of("POLICY_GATE_GITLAB_URL", "https://gitlab.example.com",
                "POLICY_GATE_GITLAB_TOKEN", "t"));
        assertTrue(out.contains("policy-gate.webhook.secret (POLICY_GATE_WEBHOOK_SECRET) is not set"), out);
    }

    @Test
    void refusesToStartWithoutGitLabUnlessDryRun() throws Exception {
        String out = refusal(Map.of("POLICY_GATE_WEBHOOK_SECRET", "s"));
        assertTrue(out.contains("policy-gate.gitlab.url (POLICY_GATE_GITLAB_URL) is required unless policy-gate.dry-run=true"), out);
        assertTrue(out.contains("policy-gate.gitlab.token (POLICY_GATE_GITLAB_TOKEN) is required"), out);
    }

    @Test
    void refusesToStartOnAnInvalidPolicyNamingFileLineAndField() throws Exception {
        Path policies = Files.createDirectories(work.resolve("bad-policies"));
        Files.writeString(policies.resolve("bad.yaml"), "name: bad\nrules:\n  - type: ticket\n    pattern: '[A-Z'\n");
        String out = refusal(Map.of("POLICY_GATE_WEBHOOK_SECRET", "s", "POLICY_GATE_DRY_RUN", "true",
                "POLICY_GATE_POLICIES_DIR", policies.toString()));
        assertTrue(out.contains(policies.resolve("bad.yaml") + ":4: rules[0].pattern: invalid regular expression"), out);
    }

    @Test
    void policyTestsRunFromTheJarWithoutStartingTheServer() throws Exception {
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                JAR.toAbsolutePath().toString(), "test", Path.of("policies").toAbsolutePath().toString())
                .redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), out);
        assertTrue(out.matches("(?s).*\\n[1-9][0-9]* passed, 0 failed\\n"), out);
    }

    @Test
    void servesInDryRunAndPrintsItsStartUpTime() throws Exception {
        Map<String, String> env = new HashMap<>(Map.of("POLICY_GATE_WEBHOOK_SECRET", Webhooks.SECRET,
                "POLICY_GATE_DRY_RUN", "true"));
        long begin = System.nanoTime();
        Process process = start(env);
        try {
            HttpClient http = HttpClient.newHttpClient();
            long readyMillis = awaitReady(http, begin);
            System.out.printf("packaged start-up until /q/health/ready answered 200: %d ms%n", readyMillis);

            String body = Payloads.raw(Payloads.SAMPLE);
            HttpResponse<String> accepted = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                    + "/webhooks/gitlab")).header("Content-Type", "application/json")
                    .header("X-Gitlab-Signature", Webhooks.sign(Webhooks.SECRET, body))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(202, accepted.statusCode(), accepted.body());
            awaitLog("dry-run: would POST status failed for " + Payloads.SAMPLE_SHA + " to project 6 MR !4 check 1");
        } finally {
            process.destroy();
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "SIGTERM should stop the service");
        }
        assertTrue(Files.exists(work.resolve("data/policy-gate.mv.db")), "the H2 journal lives under ./data");
    }

    private long awaitReady(HttpClient http, long begin) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                        + "/q/health/ready")).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (ready.statusCode() == 200) {
                    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not ready within 60 s:\n" + Files.readString(work.resolve("out.log")));
    }

    private void awaitLog(String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (Files.readString(work.resolve("out.log")).contains(text)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("log never said: " + text + "\n" + Files.readString(work.resolve("out.log")));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
