import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * policy-gate's benchmark driver: a fake GitLab and an open-model load generator, JDK only, run with the
 * source launcher ({@code java bench/Bench.java COMMAND ...}). bench/run.sh drives it; see bench/README.md.
 *
 * <p>Load is open-model: request i is due at start + i/rate whether or not earlier ones were answered,
 * and its latency counts from when it was due, so a stalled server shows as latency rather than as a
 * slower sender (no coordinated omission).
 */
public final class Bench {

    private static final HexFormat HEX = HexFormat.of();

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            usage();
        }
        Map<String, String> options = options(Arrays.copyOfRange(args, 1, args.length));
        switch (args[0]) {
            case "fake-gitlab" -> {
                FakeGitLab.serve(Integer.parseInt(options.getOrDefault("port", "0")),
                        Integer.parseInt(options.getOrDefault("latency-ms", "0")),
                        Double.parseDouble(options.getOrDefault("error-rate", "0")));
                return;
            }
            case "ack" -> ack(options);
            case "max-rate" -> maxRate(options);
            case "e2e" -> endToEnd(options);
            case "drain" -> drain(options);
            default -> usage();
        }
        // The HTTP clients' threads would keep the JVM alive.
        System.exit(0);
    }

    private static void usage() {
        System.err.println("""
                usage: java bench/Bench.java fake-gitlab --port P [--latency-ms N] [--error-rate R]
                       java bench/Bench.java ack --url URL --rate R --seconds S [--runs N] [--first-iid N]
                       java bench/Bench.java max-rate --url URL --rates R1,R2,... --seconds S [--first-iid N]
                       java bench/Bench.java e2e --url URL --gitlab URL --events N --rate R [--first-iid N]
                       java bench/Bench.java drain --gitlab URL --expect N [--timeout-seconds S]
                options common to load: --payload FILE (default src/test/resources/payloads/status-check-compliant.json),
                --secret S (default bench-secret), --warmup-seconds S (default 5)""");
        System.exit(2);
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                usage();
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        return options;
    }

    // ---------------------------------------------------------------- load

    /** One signed webhook: a distinct merge request (iid) at a distinct HEAD SHA. */
    record Event(String sha, byte[] body, String signature) {
    }

    /** Builds signed, distinct events from a payload file by replacing the iid and the HEAD SHA. */
    static final class Events {
        private final String template;
        private final Mac mac;

        Events(Map<String, String> options) throws Exception {
            String payload = Files.readString(Path.of(options.getOrDefault("payload",
                    "src/test/resources/payloads/status-check-compliant.json")));
            // The fixture's iid and SHA are replaced textually: no JSON library on the source launcher's path.
            template = payload.replaceFirst("\"iid\"\\s*:\\s*\\d+", "\"iid\":@IID@")
                    .replaceFirst("(\"last_commit\"\\s*:\\s*\\{\\s*\"id\"\\s*:\\s*\")[0-9a-f]{40}", "$1@SHA@");
            if (!template.contains("@IID@") || !template.contains("@SHA@")) {
                throw new IllegalArgumentException("the payload has no object_attributes.iid or last_commit.id to vary");
            }
            mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(options.getOrDefault("secret", "bench-secret").getBytes(StandardCharsets.UTF_8),
                    "HmacSHA256"));
        }

        Event event(long iid) {
            String sha = String.format("%040x", iid);
            byte[] body = template.replace("@IID@", Long.toString(iid)).replace("@SHA@", sha)
                    .getBytes(StandardCharsets.UTF_8);
            return new Event(sha, body, HEX.formatHex(mac.doFinal(body)));
        }

        List<Event> events(long firstIid, int count) {
            List<Event> events = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                events.add(event(firstIid + i));
            }
            return events;
        }
    }

    /** What one fixed-rate run measured; {@code sentAtMillis}: when each accepted event was sent, by SHA. */
    record Run(double targetRate, double achievedRate, int sent, int ok, int errors, long[] latencyNanos,
            Map<String, Long> sentAtMillis) {

        long percentile(double p) {
            if (latencyNanos.length == 0) {
                return -1;
            }
            int index = (int) Math.ceil(p / 100.0 * latencyNanos.length) - 1;
            return latencyNanos[Math.max(0, Math.min(latencyNanos.length - 1, index))];
        }

        String line() {
            return String.format(Locale.ROOT, "rate %.0f/s: sent %d, 2xx %d, errors %d, achieved %.0f/s, "
                    + "p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms", targetRate, sent, ok, errors, achievedRate,
                    ms(percentile(50)), ms(percentile(90)), ms(percentile(99)), ms(percentile(100)));
        }
    }

    private static double ms(long nanos) {
        return nanos / 1_000_000.0;
    }

    /**
     * Sends {@code events} at {@code rate} per second, open model. At most {@code maxInFlight} requests wait
     * for an answer; a request due while that many are open counts as an error (the server is saturated).
     */
    static Run fire(String url, List<Event> events, double rate, int maxInFlight) throws InterruptedException {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).executor(Executors.newFixedThreadPool(4)).build();
        URI uri = URI.create(url);
        long[] latencies = new long[events.size()];
        Arrays.fill(latencies, -1);
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        AtomicInteger inFlight = new AtomicInteger();
        AtomicLong lastAnswer = new AtomicLong();
        long intervalNanos = (long) (1_000_000_000L / rate);
        long start = System.nanoTime();
        for (int i = 0; i < events.size(); i++) {
            long due = start + i * intervalNanos;
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                LockSupport.parkNanos(Math.min(wait, 200_000));
            }
            Event event = events.get(i);
            if (inFlight.get() >= maxInFlight) {
                errors.incrementAndGet();
                continue;
            }
            inFlight.incrementAndGet();
            int index = i;
            long sentMillis = System.currentTimeMillis();
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json").header("X-Gitlab-Signature", event.signature())
                    .POST(HttpRequest.BodyPublishers.ofByteArray(event.body())).build();
            client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, failure) -> {
                long now = System.nanoTime();
                inFlight.decrementAndGet();
                lastAnswer.accumulateAndGet(now, Math::max);
                if (failure == null && response.statusCode() / 100 == 2) {
                    latencies[index] = now - due;
                    sentAt.put(event.sha(), sentMillis);
                    ok.incrementAndGet();
                } else {
                    errors.incrementAndGet();
                }
            });
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        errors.addAndGet(inFlight.get());
        long elapsed = Math.max(lastAnswer.get(), start + 1) - start;
        long[] measured = Arrays.stream(latencies).filter(l -> l >= 0).sorted().toArray();
        return new Run(rate, ok.get() / (elapsed / 1e9), events.size(), ok.get(), errors.get(), measured, sentAt);
    }

    /** A warm-up at the run's rate, so that the JIT and connection pools are settled before measuring. */
    private static void warmUp(String url, Events events, long firstIid, double rate, int seconds)
            throws InterruptedException {
        if (seconds > 0) {
            fire(url, events.events(firstIid, (int) (rate * seconds)), rate, 1000);
        }
    }

    /** Fixed-rate runs after a warm-up; prints each run and the medians over runs. */
    private static void ack(Map<String, String> options) throws Exception {
        String url = options.get("url");
        double rate = Double.parseDouble(options.get("rate"));
        int seconds = Integer.parseInt(options.getOrDefault("seconds", "20"));
        int runs = Integer.parseInt(options.getOrDefault("runs", "1"));
        long iid = Long.parseLong(options.getOrDefault("first-iid", "1000000"));
        Events events = new Events(options);
        int warmup = Integer.parseInt(options.getOrDefault("warmup-seconds", "5"));
        warmUp(url, events, iid, rate, warmup);
        iid += (long) (rate * warmup);
        List<Run> done = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
            int count = (int) (rate * seconds);
            Run run = fire(url, events.events(iid, count), rate, 1000);
            iid += count;
            done.add(run);
            System.out.println("RUN " + run.line());
            Thread.sleep(2_000);
        }
        System.out.printf(Locale.ROOT, "ACK rate %.0f/s, %d runs: errors %d, median p50 %.2f ms, median p99 %.2f ms%n",
                rate, runs, done.stream().mapToInt(Run::errors).sum(),
                median(done.stream().mapToDouble(r -> ms(r.percentile(50))).toArray()),
                median(done.stream().mapToDouble(r -> ms(r.percentile(99))).toArray()));
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted.length == 0 ? -1 : sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }

    /**
     * Waits until the fake GitLab has accepted {@code --expect} verdicts, and prints how fast they came:
     * verdicts per second from the first to the last (the drain rate of a backlog).
     */
    private static void drain(Map<String, String> options) throws Exception {
        String gitlab = options.get("gitlab");
        int expect = Integer.parseInt(options.get("expect"));
        long deadline = System.currentTimeMillis() + Integer.parseInt(options.getOrDefault("timeout-seconds", "900")) * 1000L;
        HttpClient control = HttpClient.newHttpClient();
        Map<String, Long> received = Map.of();
        while (System.currentTimeMillis() < deadline) {
            received = receivedVerdicts(control, gitlab);
            if (received.size() >= expect) {
                break;
            }
            Thread.sleep(1_000);
        }
        long first = received.values().stream().mapToLong(Long::longValue).min().orElse(0);
        long last = received.values().stream().mapToLong(Long::longValue).max().orElse(0);
        double seconds = Math.max(1, last - first) / 1000.0;
        System.out.printf(Locale.ROOT, "DRAIN verdicts %d of %d, %.1f s from first to last, %.0f verdicts/s%n",
                received.size(), expect, seconds, received.size() / seconds);
    }

    /**
     * Steps the rate up; a step holds when every request got a 2xx, the achieved rate is within 3% of the
     * target and p99 stays under {@code --p99-ms} (default 100). Prints the highest step that held.
     */
    private static void maxRate(Map<String, String> options) throws Exception {
        String url = options.get("url");
        int seconds = Integer.parseInt(options.getOrDefault("seconds", "10"));
        double p99Limit = Double.parseDouble(options.getOrDefault("p99-ms", "100"));
        long iid = Long.parseLong(options.getOrDefault("first-iid", "2000000"));
        Events events = new Events(options);
        warmUp(url, events, iid, 300, Integer.parseInt(options.getOrDefault("warmup-seconds", "5")));
        iid += 10_000_000L;
        double best = 0;
        for (String step : options.get("rates").split(",")) {
            double rate = Double.parseDouble(step);
            int count = (int) (rate * seconds);
            Run run = fire(url, events.events(iid, count), rate, 2000);
            iid += count;
            boolean held = run.errors() == 0 && run.achievedRate() >= rate * 0.97 && ms(run.percentile(99)) <= p99Limit;
            System.out.println("STEP " + run.line() + (held ? " -> held" : " -> not sustained"));
            if (!held) {
                break;
            }
            best = rate;
            Thread.sleep(2_000);
        }
        System.out.printf(Locale.ROOT, "MAX %.0f%n", best);
    }

    /**
     * Sends N distinct events at a fixed rate and waits until the fake GitLab has received a verdict for
     * each SHA: events per second from the first send to the last verdict, and webhook-to-report latency.
     */
    private static void endToEnd(Map<String, String> options) throws Exception {
        String url = options.get("url");
        String gitlab = options.get("gitlab");
        int count = Integer.parseInt(options.getOrDefault("events", "20000"));
        double rate = Double.parseDouble(options.getOrDefault("rate", "1000"));
        long firstIid = Long.parseLong(options.getOrDefault("first-iid", "3000000"));
        int timeout = Integer.parseInt(options.getOrDefault("timeout-seconds", "600"));
        Events events = new Events(options);
        HttpClient control = HttpClient.newHttpClient();
        control.send(HttpRequest.newBuilder(URI.create(gitlab + "/_bench/reset")).POST(HttpRequest.BodyPublishers
                .noBody()).build(), HttpResponse.BodyHandlers.discarding());
        List<Event> all = events.events(firstIid, count);
        long started = System.currentTimeMillis();
        Run sent = fire(url, all, rate, 4000);
        Map<String, Long> received = new HashMap<>();
        long deadline = System.currentTimeMillis() + timeout * 1000L;
        while (System.currentTimeMillis() < deadline) {
            received = receivedVerdicts(control, gitlab);
            if (received.keySet().containsAll(sent.sentAtMillis().keySet())) {
                break;
            }
            Thread.sleep(500);
        }
        Map<String, Long> verdicts = received;
        long lastVerdict = verdicts.values().stream().mapToLong(Long::longValue).max().orElse(started);
        long[] latencies = sent.sentAtMillis().entrySet().stream().filter(e -> verdicts.containsKey(e.getKey()))
                .mapToLong(e -> verdicts.get(e.getKey()) - e.getValue()).sorted().toArray();
        int reported = latencies.length;
        double seconds = (lastVerdict - started) / 1000.0;
        System.out.println("ACKS " + sent.line());
        System.out.printf(Locale.ROOT, "E2E events %d, accepted %d, verdicts %d, lost %d, duplicates %d, %.1f s,"
                + " %.0f events/s, latency p50 %d ms, p99 %d ms, max %d ms%n", count, sent.ok(), reported,
                sent.ok() - reported, FakeGitLab.duplicates(control, gitlab), seconds, reported / seconds,
                pick(latencies, 50), pick(latencies, 99), pick(latencies, 100));
    }

    private static long pick(long[] sorted, double p) {
        if (sorted.length == 0) {
            return -1;
        }
        return sorted[Math.max(0, Math.min(sorted.length - 1, (int) Math.ceil(p / 100 * sorted.length) - 1))];
    }

    private static Map<String, Long> receivedVerdicts(HttpClient control, String gitlab) throws Exception {
        String text = control.send(HttpRequest.newBuilder(URI.create(gitlab + "/_bench/received")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Map<String, Long> received = new HashMap<>();
        text.lines().filter(l -> !l.isBlank()).forEach(line -> {
            String[] parts = line.split(" ");
            received.putIfAbsent(parts[0], Long.parseLong(parts[1]));
        });
        return received;
    }

    // ---------------------------------------------------------------- fake GitLab

    /**
     * Answers what policy-gate asks of GitLab: status_check_responses (201, or 503 at --error-rate, after
     * --latency-ms), reads of changes, commits, the merge request, notes, the token's user and version.
     * Control: POST /_bench/reset, GET /_bench/received ("sha epochMillis" per accepted verdict),
     * POST /_bench/mode?latency-ms=N&error-rate=R, GET /_bench/duplicates.
     */
    static final class FakeGitLab {
        private static final Map<String, Long> RECEIVED = new ConcurrentHashMap<>();
        private static final AtomicInteger DUPLICATES = new AtomicInteger();
        private static final AtomicInteger POSTS = new AtomicInteger();
        private static volatile int latencyMs;
        private static volatile double errorRate;

        static void serve(int port, int latency, double errors) throws IOException {
            latencyMs = latency;
            errorRate = errors;
            // Without TCP_NODELAY the JDK server's small answers wait for delayed ACKs: 40 ms per call.
            System.setProperty("sun.net.httpserver.nodelay", "true");
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 1024);
            server.createContext("/", FakeGitLab::handle);
            ExecutorService threads = Executors.newFixedThreadPool(64);
            server.setExecutor(threads);
            server.start();
            System.out.println("fake GitLab on http://127.0.0.1:" + server.getAddress().getPort());
        }

        static int duplicates(HttpClient control, String gitlab) throws Exception {
            return Integer.parseInt(control.send(HttpRequest.newBuilder(URI.create(gitlab + "/_bench/duplicates"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body().trim());
        }

        private static void handle(HttpExchange exchange) throws IOException {
            try (exchange; InputStream in = exchange.getRequestBody()) {
                byte[] body = in.readAllBytes();
                String path = exchange.getRequestURI().getPath();
                String method = exchange.getRequestMethod();
                if (path.startsWith("/_bench/")) {
                    control(exchange, path);
                } else if (method.equals("POST") && path.endsWith("/status_check_responses")) {
                    status(exchange, new String(body, StandardCharsets.UTF_8));
                } else if (method.equals("GET") && (path.endsWith("/diffs") || path.endsWith("/commits")
                        || path.endsWith("/notes"))) {
                    answer(exchange, 200, "[]");
                } else if (method.equals("POST") && path.endsWith("/notes")) {
                    answer(exchange, 201, "{\"id\":1}");
                } else if (method.equals("PUT") && path.contains("/notes/")) {
                    answer(exchange, 200, "{\"id\":1}");
                } else if (path.equals("/api/v4/user")) {
                    answer(exchange, 200, "{\"id\":99,\"username\":\"policy-gate-bot\"}");
                } else if (path.equals("/api/v4/version")) {
                    answer(exchange, 200, "{\"version\":\"17.5.1-ee\"}");
                } else if (method.equals("GET") && path.matches("/api/v4/projects/\\d+/merge_requests/\\d+")) {
                    answer(exchange, 200, "{\"iid\":1,\"author\":{\"id\":1,\"username\":\"dev\"}}");
                } else {
                    answer(exchange, 404, "{\"message\":\"404 Not Found\"}");
                }
            }
        }

        private static void status(HttpExchange exchange, String body) throws IOException {
            if (latencyMs > 0) {
                try {
                    Thread.sleep(latencyMs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            POSTS.incrementAndGet();
            if (errorRate > 0 && ThreadLocalRandom.current().nextDouble() < errorRate) {
                answer(exchange, 503, "{\"message\":\"503 Service Unavailable\"}");
                return;
            }
            int at = body.indexOf("\"sha\":\"");
            String sha = at < 0 ? "?" : body.substring(at + 7, at + 47);
            if (RECEIVED.putIfAbsent(sha, System.currentTimeMillis()) != null) {
                DUPLICATES.incrementAndGet();
            }
            answer(exchange, 201, "{\"id\":1,\"status\":\"passed\"}");
        }

        private static void control(HttpExchange exchange, String path) throws IOException {
            switch (path) {
                case "/_bench/reset" -> {
                    RECEIVED.clear();
                    DUPLICATES.set(0);
                    POSTS.set(0);
                    answer(exchange, 200, "reset");
                }
                case "/_bench/received" -> {
                    StringBuilder text = new StringBuilder();
                    RECEIVED.forEach((sha, at) -> text.append(sha).append(' ').append(at).append('\n'));
                    answer(exchange, 200, text.toString());
                }
                case "/_bench/duplicates" -> answer(exchange, 200, Integer.toString(DUPLICATES.get()));
                case "/_bench/posts" -> answer(exchange, 200, Integer.toString(POSTS.get()));
                case "/_bench/mode" -> {
                    Map<String, String> query = new HashMap<>();
                    String raw = exchange.getRequestURI().getQuery();
                    for (String pair : raw == null ? new String[0] : raw.split("&")) {
                        String[] kv = pair.split("=", 2);
                        query.put(kv[0], kv.length > 1 ? kv[1] : "");
                    }
                    latencyMs = Integer.parseInt(query.getOrDefault("latency-ms", Integer.toString(latencyMs)));
                    errorRate = Double.parseDouble(query.getOrDefault("error-rate", Double.toString(errorRate)));
                    answer(exchange, 200, "latency " + latencyMs + " ms, error rate " + errorRate);
                }
                default -> answer(exchange, 404, "unknown control " + path);
            }
        }

        private static void answer(HttpExchange exchange, int status, String text) throws IOException {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}
