package io.policygate.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged jar ({@code target/quarkus-app/quarkus-run.jar}) in a process of its own, as an operator
 * runs it: started with environment variables, stopped with SIGTERM or killed with SIGKILL.
 */
public final class ServiceProcess implements AutoCloseable {

    public static final Path JAR = Path.of(System.getProperty("quarkus.app.jar", "target/quarkus-app/quarkus-run.jar"));
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** Quarkus's start-up line; with port 0 it names the port the system gave. */
    private static final Pattern LISTENING = Pattern.compile("Listening on: http://[^:\\s\"]+:(\\d+)");

    private final Process process;
    private final Path log;
    private volatile int port;

    private ServiceProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /**
     * Starts the server in {@code workDir} on a port the system picks when it binds (one picked before and
     * freed could be taken meanwhile), with the shipped policies and {@code env} on top.
     */
    public static ServiceProcess start(Path workDir, String name, Map<String, String> env, String... args)
            throws IOException {
        return start(workDir, name, List.of("-Xmx256m"), env, args);
    }

    /** As {@link #start(Path, String, Map, String...)}, with these JVM options instead of a 256 MiB heap. */
    public static ServiceProcess start(
            Path workDir, String name, List<String> jvmOptions, Map<String, String> env, String... args)
            throws IOException {
        Path log = workDir.resolve(name + ".log");
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", JAR.toAbsolutePath().toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> environment = withShippedPolicies(builder).environment();
        environment.put("QUARKUS_HTTP_PORT", "0");
        environment.putAll(env);
        return new ServiceProcess(builder.start(), log);
    }

    /**
     * {@code builder} for a process that reads policy-gate's configuration: none of this JVM's {@code POLICY_GATE_*}
     * or {@code QUARKUS_*} variables, the shipped policies.
     */
    public static ProcessBuilder withShippedPolicies(ProcessBuilder builder) {
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(k -> k.startsWith("POLICY_GATE_") || k.startsWith("QUARKUS_"));
        environment.put(
                "POLICY_GATE_POLICIES_DIR", Path.of("policies").toAbsolutePath().toString());
        return builder;
    }

    /** The environment of a service that reports to {@code gitlabUrl} with the test secrets. */
    public static Map<String, String> reportingTo(String gitlabUrl) {
        Map<String, String> env = new HashMap<>();
        env.put("POLICY_GATE_GITLAB_URL", gitlabUrl);
        env.put("POLICY_GATE_GITLAB_TOKEN", "test-gitlab-token");
        env.put("POLICY_GATE_WEBHOOK_SECRET", Webhooks.SECRET);
        env.put("POLICY_GATE_WORKER_POLL_INTERVAL", "200ms");
        env.put("POLICY_GATE_REPORT_BACKOFF", "200ms");
        env.put("POLICY_GATE_REPORT_MAX_BACKOFF", "1s");
        env.put("POLICY_GATE_GITLAB_BREAKER_OPEN_FOR", "1s");
        return env;
    }

    public Process process() {
        return process;
    }

    public String log() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** Waits until /q/health/ready answers 200; returns how long that took since {@code since} (nanoTime). */
    public long awaitReady(long since) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("the service stopped:\n" + log());
            }
            if (port == 0) {
                Matcher listening = LISTENING.matcher(log());
                if (!listening.find()) {
                    Thread.sleep(100);
                    continue;
                }
                port = Integer.parseInt(listening.group(1));
            }
            try {
                HttpResponse<String> ready = HTTP.send(
                        HttpRequest.newBuilder(uri("/q/health/ready"))
                                .timeout(Duration.ofSeconds(2))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (ready.statusCode() == 200) {
                    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since);
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not ready within 60 s:\n" + log());
    }

    /**
     * POSTs a webhook signed with the test secret; returns GitLab-style status code and body. GitLab built it, so the
     * fake GitLab's merge request is now as the body says.
     */
    public HttpResponse<String> sendSigned(String body) throws IOException, InterruptedException {
        FakeGitLab.SHARED.sent(body);
        return HTTP.send(
                HttpRequest.newBuilder(uri("/webhooks/gitlab"))
                        .header("Content-Type", "application/json")
                        .header("X-Gitlab-Signature", Webhooks.sign(Webhooks.SECRET, body))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Heap in use right after a full collection (jcmd GC.run), in bytes: what the process really holds. */
    public long liveHeap() throws Exception {
        Process gc = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                        String.valueOf(process.pid()),
                        "GC.run")
                .redirectErrorStream(true)
                .start();
        gc.getInputStream().readAllBytes();
        if (gc.waitFor() != 0) {
            throw new AssertionError("jcmd GC.run failed for process " + process.pid());
        }
        String metrics = HTTP.send(
                        HttpRequest.newBuilder(uri("/q/metrics")).build(), HttpResponse.BodyHandlers.ofString())
                .body();
        return metrics.lines()
                .filter(l -> l.startsWith("jvm_memory_used_bytes{area=\"heap\""))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    /** An address on the running server; only after {@link #awaitReady}, which learns its port. */
    public URI uri(String path) {
        if (port == 0) {
            throw new IllegalStateException("the port is known once awaitReady has returned");
        }
        return URI.create("http://localhost:" + port + path);
    }

    /** SIGKILL: no shutdown hook runs, nothing is released. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM, then waits for the process to end; false if it did not within {@code seconds}. */
    public boolean terminate(int seconds) throws InterruptedException {
        process.destroy();
        return process.waitFor(seconds, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
