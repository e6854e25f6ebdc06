import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * policy-gate's benchmark driver: load generator, fake GitLab and process probe in one JDK-only file, run
 * with the source launcher ({@code java bench/Bench.java COMMAND [--option value]... [-- service command]}).
 * bench/run.sh drives it; bench/README.md says what each command measures.
 *
 * <p>When a command follows {@code --}, Bench launches it as the system under test (so that its PID, RSS
 * and log are at hand) and stops it with SIGTERM at the end. {@code --gitlab-port} plays GitLab in this
 * JVM, so that a webhook's send time and its verdict's arrival share one clock.
 *
 * <p>Every figure is printed as a {@code RESULT name key=value...} line for run.sh, beside readable lines.
 */
public final class Bench {

    private static final HexFormat HEX = HexFormat.of();

    public static void main(String[] args) {
        if (args.length == 0) {
            throw usage();
        }
        int separator = Arrays.asList(args).indexOf("--");
        Options options = Options.parse(Arrays.copyOfRange(args, 1, separator < 0 ? args.length : separator));
        List<String> command = separator < 0 ? List.of() : List.of(args).subList(separator + 1, args.length);
        // Exits either way: the fake GitLab's threads are not daemons and would keep a failed command alive.
        try {
            switch (args[0]) {
                case "fake-gitlab" -> fakeGitLab(options);
                case "startup" -> startup(options, command);
                case "ack" -> ack(options, command);
                case "max-rate" -> maxRate(options, command);
                case "e2e" -> endToEnd(options, command);
                case "backlog" -> backlog(options, command);
                default -> throw usage();
            }
        } catch (Exception e) {
            e.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    private static RuntimeException usage() {
        System.err.println("""
                usage: java bench/Bench.java COMMAND [--option value]... [-- command that starts the service]

                  fake-gitlab --port P [--latency-ms N] [--error-rate R] [--check-url URL] [--rate-limit CALLS_A_MINUTE]
                      answers what policy-gate asks GitLab; GET /_bench/stats,
                      POST /_bench/mode?latency-ms=N&error-rate=R
                  startup   [--idle-seconds 5]                   time to --ready answering 200, RSS once idle
                  ack       [--rates 200,500,1000] [--seconds 20] [--runs 3] [--warmup-seconds 10]
                  max-rate  [--start 250] [--factor 1.25] [--max 20000] [--seconds 10] [--p99-ms 100] [--refine 2]
                  e2e       [--events 20000] [--rate 1000] [--warmup-events N]
                            [--burst-events N] [--burst-connections 32] [--timeout-seconds 1800] [--stall-seconds 360]
                  backlog   --jobs N [--fill-connections 16] [--rate 200] [--seconds 20]

                common: --url http://127.0.0.1:8080/webhooks/gitlab, --ready URL (wait for 200 first), --secret S,
                  --payload FILE (src/test/resources/payloads/status-check-compliant.json), --connections 100,
                  --first-iid 1, --gitlab-port P [--gitlab-latency-ms N] [--gitlab-error-rate R] [--gitlab-rate-limit N] (play GitLab here),
                  --gitlab-stats URL (a fake-gitlab of its own process, fresh for this command: its GET /_bench/stats,
                  read to wait for verdicts between runs instead),
                  --log FILE (the launched service's output), --pause-seconds 2, --quiesce-seconds 60""");
        System.exit(2);
        return new IllegalStateException();
    }

    // ---------------------------------------------------------------- commands

    private static void fakeGitLab(Options options) throws Exception {
        FakeGitLab gitlab = FakeGitLab.start(options.integer("port", 8081), options.integer("latency-ms", 0),
                options.decimal("error-rate", 0), options.text("check-url", ""), options.integer("rate-limit", 0));
        System.out.println("fake GitLab on http://127.0.0.1:" + gitlab.port());
        Thread.currentThread().join();
    }

    /** Launch to readiness, then RSS after {@code --idle-seconds} without load. */
    private static void startup(Options options, List<String> command) throws Exception {
        try (Session session = Session.open(options, command)) {
            Thread.sleep(options.integer("idle-seconds", 5) * 1000L);
            result("startup", "ready_ms", session.readyMillis, "idle_rss_mib", mib(session.rssKb()));
        }
    }

    /** Fixed rates, open model, {@code --runs} runs each after one warm-up; medians over the runs. */
    private static void ack(Options options, List<String> command) throws Exception {
        try (Session session = Session.open(options, command)) {
            double[] rates = options.decimals("rates", "200,500,1000");
            int seconds = options.integer("seconds", 20);
            int runs = options.integer("runs", 3);
            Thread.sleep(2_000);
            result("idle", "rss_mib", mib(session.rssKb()));
            session.warmUp(rates[0], options.integer("warmup-seconds", 10));
            session.peakRss.reset();
            for (double rate : rates) {
                List<Summary> done = new ArrayList<>();
                for (int run = 0; run < runs; run++) {
                    Summary summary = session.paced(rate, (int) Math.round(rate * seconds)).summary(rate);
                    System.out.println("run " + (run + 1) + ": " + summary.line());
                    done.add(summary);
                    session.settle();
                }
                result("ack", "rate", Math.round(rate), "runs", runs,
                        "p50_ms", median(done, Summary::p50), "p90_ms", median(done, Summary::p90),
                        "p99_ms", median(done, Summary::p99), "max_ms", median(done, Summary::max),
                        "errors", done.stream().mapToInt(Summary::errors).sum(),
                        "achieved", median(done, Summary::achieved),
                        "lag_p99_ms", done.stream().mapToDouble(Summary::lagP99).max().orElse(0));
            }
            result("load", "rss_peak_mib", mib(session.peakRss.peakKb()));
        }
    }

    /**
     * Steps the rate up by {@code --factor} from {@code --start}; a step holds when every request got a 2xx,
     * the achieved rate is at least 97% of the target and p99 is at most {@code --p99-ms}. After the first
     * step that does not hold, {@code --refine} bisections between it and the last that held. Prints the
     * highest rate that held.
     */
    private static void maxRate(Options options, List<String> command) throws Exception {
        try (Session session = Session.open(options, command)) {
            int seconds = options.integer("seconds", 10);
            double p99Limit = options.decimal("p99-ms", 100);
            double ceiling = options.decimal("max", 20_000);
            double rate = options.decimal("start", 250);
            session.warmUp(rate, options.integer("warmup-seconds", 10));
            session.peakRss.reset();
            Summary best = null;
            Summary failed = null;
            for (; rate <= ceiling; rate = roundRate(rate * options.decimal("factor", 1.25))) {
                Summary step = step(session, rate, seconds, p99Limit);
                if (!step.holds(p99Limit)) {
                    failed = step;
                    break;
                }
                best = step;
            }
            for (int i = 0; failed != null && best != null && i < options.integer("refine", 2); i++) {
                double middle = roundRate((best.rate() + failed.rate()) / 2);
                if (middle <= best.rate() || middle >= failed.rate()) {
                    break;
                }
                Summary step = step(session, middle, seconds, p99Limit);
                if (step.holds(p99Limit)) {
                    best = step;
                } else {
                    failed = step;
                }
            }
            result("max-rate", "rate", best == null ? 0 : Math.round(best.rate()),
                    "p99_ms", best == null ? 0 : best.p99(), "lag_p99_ms", best == null ? 0 : best.lagP99(),
                    "next_failed_by", failed == null ? "ceiling" : failed.whyNotHeld(p99Limit),
                    "rss_peak_mib", mib(session.peakRss.peakKb()));
        }
    }

    private static Summary step(Session session, double rate, int seconds, double p99Limit) throws Exception {
        Summary step = session.paced(rate, (int) Math.round(rate * seconds)).summary(rate);
        System.out.println("step " + step.line() + (step.holds(p99Limit) ? " -> held" : " -> not held: "
                + step.whyNotHeld(p99Limit)));
        session.settle();
        return step;
    }

    private static double roundRate(double rate) {
        return rate < 100 ? Math.round(rate) : Math.round(rate / 10) * 10;
    }

    /**
     * N distinct events at a fixed rate; waits for a verdict per accepted event. Webhook-to-report latency
     * runs from when the webhook was due to when its verdict reached the fake GitLab. Then, with
     * {@code --burst-events}, as many again as fast as the service takes them: its capacity.
     */
    private static void endToEnd(Options options, List<String> command) throws Exception {
        try (Session session = Session.open(options, command)) {
            if (session.gitlab == null) {
                throw new IllegalArgumentException("e2e needs --gitlab-port: the verdicts are counted there");
            }
            double rate = options.decimal("rate", 1000);
            int events = options.integer("events", 20_000);
            int warmUp = options.integer("warmup-events", (int) Math.min(events, rate * 5));
            if (warmUp > 0) {
                session.paced(rate, warmUp);
                session.settle();
            }
            session.peakRss.reset();
            Load load = session.paced(rate, events);
            Summary acks = load.summary(rate);
            System.out.println("webhooks: " + acks.line());
            Verdicts verdicts = session.verdicts(load);
            result("e2e", "events", events, "rate", Math.round(rate), "refused", events - verdicts.accepted(),
                    "verdicts", verdicts.received(), "lost", verdicts.lost(), "duplicates", verdicts.duplicates(),
                    "verdicts_per_s", verdicts.perSecondFirstToLast(),
                    "p50_ms", verdicts.latencyMs(50), "p90_ms", verdicts.latencyMs(90),
                    "p95_ms", verdicts.latencyMs(95), "p99_ms", verdicts.latencyMs(99),
                    "max_ms", verdicts.latencyMs(100), "over_120s", verdicts.over(Duration.ofSeconds(120)),
                    "gitlab_calls", session.gitlab.callCount(), "gitlab_429", session.gitlab.callCount("429"),
                    "ack_p50_ms", acks.p50(), "ack_p99_ms", acks.p99(), "ack_errors", acks.errors(),
                    "last_after_last_webhook_s", verdicts.lastAfterLastWebhookSeconds(),
                    "rss_peak_mib", mib(session.peakRss.peakKb()));
            System.out.println("GitLab calls: " + session.gitlab.calls());
            int burst = options.integer("burst-events", 0);
            if (burst > 0) {
                Load flood = session.closed(burst, options.integer("burst-connections", 32));
                Verdicts flooded = session.verdicts(flood);
                result("burst", "events", burst, "refused", burst - flooded.accepted(), "verdicts", flooded.received(),
                        "lost", flooded.lost(), "intake_per_s", flood.summary(0).achieved(),
                        "events_per_s", flooded.perSecondSinceStart(flood.start()),
                        "rss_peak_mib", mib(session.peakRss.peakKb()));
            }
        }
    }

    /**
     * Fills the journal with {@code --jobs} while the fake GitLab refuses every report (503, so the circuit
     * breaker holds them), measures intake at {@code --rate} with that backlog, then lets GitLab answer
     * again and measures how fast the backlog drains.
     */
    private static void backlog(Options options, List<String> command) throws Exception {
        try (Session session = Session.open(options, command)) {
            if (session.gitlab == null) {
                throw new IllegalArgumentException("backlog needs --gitlab-port: it fails and recovers GitLab");
            }
            session.gitlab.failReports(1.0);
            Load fill = session.closed(options.integer("jobs", 1000), options.integer("fill-connections", 16));
            Summary filled = fill.summary(0);
            System.out.println("fill: " + filled.line());
            Thread.sleep(options.integer("pause-seconds", 2) * 1000L);
            long backlogRss = session.rssKb();
            session.peakRss.reset();
            double rate = options.decimal("rate", 200);
            Load intake = session.paced(rate, (int) Math.round(rate * options.integer("seconds", 20)));
            Summary acks = intake.summary(rate);
            System.out.println("with the backlog: " + acks.line());
            long peak = session.peakRss.peakKb();
            long recovered = System.nanoTime();
            session.gitlab.failReports(0);
            Verdicts drained = session.verdicts(fill, intake);
            result("backlog", "jobs", fill.accepted().size(), "fill_per_s", filled.achieved(),
                    "rss_mib", mib(backlogRss), "ack_p50_ms", acks.p50(), "ack_p99_ms", acks.p99(),
                    "ack_errors", acks.errors(), "rss_peak_mib", mib(peak),
                    "first_verdict_s", drained.secondsToFirst(recovered), "drain_per_s", drained.perSecondFirstToLast(),
                    "verdicts", drained.received(), "lost", drained.lost());
        }
    }

    // ---------------------------------------------------------------- the session: service, GitLab, webhooks

    /**
     * One command's world: the service (launched here or already running), the fake GitLab it reports to,
     * and the webhooks sent so far whose verdicts are still to come.
     */
    static final class Session implements AutoCloseable {
        final FakeGitLab gitlab;
        final PeakRss peakRss;
        final long readyMillis;
        private final Options options;
        private final Target target;
        private final Payloads payloads;
        private final Service service;
        /** The verdict count in a fake-gitlab's {@code /_bench/stats} answer. */
        private static final Pattern VERDICT_COUNT = Pattern.compile("verdicts (\\d+)");
        private final List<String> unreported = new ArrayList<>();
        /** Webhooks accepted and settled so far, each for a SHA of its own: a fresh fake-gitlab's verdict count. */
        private int settled;
        private long nextIid;

        private Session(Options options, FakeGitLab gitlab, Service service, long readyMillis) throws IOException {
            this.options = options;
            this.gitlab = gitlab;
            this.service = service;
            this.readyMillis = readyMillis;
            this.target = Target.of(options.text("url", "http://127.0.0.1:8080/webhooks/gitlab"));
            this.payloads = new Payloads(Path.of(options.text("payload",
                    "src/test/resources/payloads/status-check-compliant.json")), options.text("secret", "bench-secret"),
                    target);
            this.nextIid = Long.parseLong(options.text("first-iid", "1"));
            this.peakRss = new PeakRss(this::rssKb);
        }

        static Session open(Options options, List<String> command) throws Exception {
            // GitLab's check calls policy-gate where Bench sends its webhooks.
            FakeGitLab gitlab = options.has("gitlab-port") ? FakeGitLab.start(options.integer("gitlab-port", 0),
                    options.integer("gitlab-latency-ms", 0), options.decimal("gitlab-error-rate", 0),
                    options.text("url", ""), options.integer("gitlab-rate-limit", 0)) : null;
            long launched = System.nanoTime();
            Service service = command.isEmpty() ? null
                    : Service.launch(command, Path.of(options.text("log", "service.log")));
            if (options.has("ready")) {
                awaitReady(Target.of(options.text("ready", "")), service);
            }
            return new Session(options, gitlab, service, (System.nanoTime() - launched) / 1_000_000);
        }

        long rssKb() {
            if (service != null) {
                return Rss.kb(service.process().pid());
            }
            return options.has("pid") ? Rss.kb(Long.parseLong(options.text("pid", ""))) : -1;
        }

        /** Sends {@code count} new webhooks at {@code rate} per second, open model. */
        Load paced(double rate, int count) throws InterruptedException {
            List<Webhook> webhooks = payloads.batch(nextIid, count);
            nextIid += count;
            Load load = Load.paced(target, webhooks, rate, options.integer("connections", 100),
                    Duration.ofSeconds(options.integer("give-up-seconds", 10)));
            remember(load);
            return load;
        }

        /** Sends {@code count} new webhooks as fast as {@code connections} keep-alive connections go. */
        Load closed(int count, int connections) throws InterruptedException {
            long first = nextIid;
            nextIid += count;
            Load load = Load.closed(target, count, i -> payloads.webhook(first + i), connections);
            remember(load);
            return load;
        }

        private void remember(Load load) {
            if (gitlab != null || options.has("gitlab-stats")) {
                load.accepted().forEach(i -> unreported.add(load.sha(i)));
            }
        }

        void warmUp(double rate, int seconds) throws InterruptedException {
            if (seconds > 0) {
                System.out.println("warm-up: " + paced(rate, (int) Math.round(rate * seconds)).summary(rate).line());
                settle();
            }
        }

        /**
         * Lets the service come back to rest before the next measurement: its verdicts so far reported
         * (at most {@code --quiesce-seconds}), then {@code --pause-seconds}.
         */
        void settle() throws InterruptedException {
            if (gitlab != null && !unreported.isEmpty()) {
                Duration limit = Duration.ofSeconds(options.integer("quiesce-seconds", 60));
                int received = gitlab.awaitVerdicts(unreported, limit, limit);
                if (received < unreported.size()) {
                    System.out.printf("settle: %d verdicts still due after %s%n", unreported.size() - received, limit);
                }
                unreported.clear();
            } else if (!unreported.isEmpty()) {
                settled += unreported.size();
                unreported.clear();
                int received = awaitRemoteVerdicts(URI.create(options.text("gitlab-stats", "")), settled,
                        Duration.ofSeconds(options.integer("quiesce-seconds", 60)));
                if (received < settled) {
                    System.out.printf("settle: %d verdicts still due after the quiesce time%n", settled - received);
                }
            }
            Thread.sleep(options.integer("pause-seconds", 2) * 1000L);
        }

        /** Polls a fake-gitlab's stats until it has taken {@code count} verdicts or {@code limit} passed. */
        private static int awaitRemoteVerdicts(URI stats, int count, Duration limit) throws InterruptedException {
            HttpClient client = HttpClient.newHttpClient();
            long deadline = System.nanoTime() + limit.toNanos();
            int received = 0;
            while (System.nanoTime() < deadline) {
                try {
                    Matcher verdicts = VERDICT_COUNT.matcher(
                            client.send(HttpRequest.newBuilder(stats).build(), HttpResponse.BodyHandlers.ofString())
                                    .body());
                    received = verdicts.find() ? Integer.parseInt(verdicts.group(1)) : 0;
                } catch (IOException e) {
                    System.out.println("settle: " + stats + " did not answer: " + e);
                }
                if (received >= count) {
                    break;
                }
                Thread.sleep(100);
            }
            return received;
        }

        /** Waits for the verdicts of these loads' accepted webhooks (--timeout-seconds, --stall-seconds). */
        Verdicts verdicts(Load... loads) throws InterruptedException {
            List<Integer> counts = new ArrayList<>();
            Map<String, Long> due = new LinkedHashMap<>();
            for (Load load : loads) {
                load.accepted().forEach(i -> due.put(load.sha(i), load.due(i)));
                counts.add(load.accepted().size());
            }
            gitlab.awaitVerdicts(due.keySet(), Duration.ofSeconds(options.integer("timeout-seconds", 1800)),
                    Duration.ofSeconds(options.integer("stall-seconds", 360)));
            unreported.removeAll(due.keySet());
            return Verdicts.of(due, gitlab);
        }

        @Override
        public void close() throws Exception {
            peakRss.close();
            if (service != null) {
                service.stop();
                service.summarizeLog();
            }
            if (gitlab != null) {
                gitlab.stop();
            }
        }

        private static void awaitReady(Target ready, Service service) throws Exception {
            byte[] request = ("GET " + ready.path() + " HTTP/1.1\r\nHost: " + ready.hostHeader()
                    + "\r\nConnection: close\r\n\r\n").getBytes(US_ASCII);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            while (System.nanoTime() < deadline) {
                if (service != null && !service.process().isAlive()) {
                    throw new IllegalStateException("the service exited with " + service.process().exitValue()
                            + " before it was ready; its log: " + service.log());
                }
                try (Connection connection = new Connection(ready, 1_000)) {
                    if (connection.exchange(request) == 200) {
                        return;
                    }
                }
                Thread.sleep(10);
            }
            throw new IllegalStateException(ready + " did not answer 200 within 180 s");
        }
    }

    /** The service as a child process; stopped as Kubernetes would (SIGTERM, then SIGKILL after a grace). */
    record Service(Process process, Path log) {

        static Service launch(List<String> command, Path log) throws IOException {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                    .start();
            // run.sh kills what is listed there should this JVM be killed before it could stop the service.
            String pids = System.getenv("BENCH_PIDS");
            if (pids != null) {
                Files.writeString(Path.of(pids), process.pid() + "\n", StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroy));
            return new Service(process, log);
        }

        void stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }

        private static final Pattern LEVEL = Pattern.compile("\"level\":\"(ERROR|WARN)\"|^\\S+ \\S+ +(ERROR|WARN) ");
        private static final Pattern MESSAGE = Pattern.compile("\"message\":\"((?:[^\"\\\\]|\\\\.)*)\"");
        private static final String UUID = "[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}";
        private static final String TIME = "\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z";

        /** Errors and warnings in the service's log: a benchmark that provokes them should say so. */
        void summarizeLog() throws IOException {
            Map<String, Integer> counts = new TreeMap<>(Map.of("ERROR", 0, "WARN", 0));
            Map<String, Integer> messages = new LinkedHashMap<>();
            try (var lines = Files.lines(log, UTF_8)) {
                lines.forEach(line -> {
                    Matcher level = LEVEL.matcher(line);
                    if (level.find()) {
                        String name = level.group(1) != null ? level.group(1) : level.group(2);
                        counts.merge(name, 1, Integer::sum);
                        Matcher message = MESSAGE.matcher(line);
                        // Numbers and ids vary from job to job; without them, one message per kind.
                        String text = (message.find() ? message.group(1) : line).replaceAll(UUID, "<id>")
                                .replaceAll(TIME, "<time>").replaceAll("\\b\\d+\\b", "N");
                        messages.merge(name + " " + text.substring(0, Math.min(160, text.length())), 1, Integer::sum);
                    }
                });
            }
            messages.entrySet().stream().limit(8).forEach(e -> System.out.println("service log: " + e.getValue()
                    + " x " + e.getKey()));
            result("log", "errors", counts.get("ERROR"), "warnings", counts.get("WARN"), "file", log);
        }
    }

    /** Resident set size from /proc (Linux). */
    static final class Rss {
        static long kb(long pid) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                    if (line.startsWith("VmRSS:")) {
                        return Long.parseLong(line.replaceAll("\\D", ""));
                    }
                }
            } catch (IOException | NumberFormatException e) {
                return -1;
            }
            return -1;
        }
    }

    /** The highest RSS seen, sampled every 100 ms. */
    static final class PeakRss implements AutoCloseable {
        private final Thread sampler;
        private volatile long peak = -1;

        PeakRss(java.util.function.LongSupplier rss) {
            sampler = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    peak = Math.max(peak, rss.getAsLong());
                    LockSupport.parkNanos(100_000_000L);
                }
            }, "rss-sampler");
            sampler.setDaemon(true);
            sampler.start();
        }

        long peakKb() {
            return peak;
        }

        void reset() {
            peak = -1;
        }

        @Override
        public void close() {
            sampler.interrupt();
        }
    }

    // ---------------------------------------------------------------- webhooks

    record Target(String host, int port, String path) {
        static Target of(String url) {
            URI uri = URI.create(url);
            String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
            return new Target(uri.getHost(), uri.getPort() < 0 ? 80 : uri.getPort(), uri.getRawPath() + query);
        }

        String hostHeader() {
            return host + ":" + port;
        }
    }

    /** One webhook: the whole HTTP request, signed, and the HEAD SHA its verdict will name. */
    record Webhook(String sha, byte[] request) {
    }

    /**
     * Distinct merge request events from one payload file: each gets its own iid (a new job key) and its own
     * HEAD SHA, and is signed as GitLab signs it (X-Gitlab-Signature: hex HMAC-SHA256 of the raw body).
     */
    static final class Payloads {
        private static final Pattern IID = Pattern.compile("\"iid\"\\s*:\\s*\\d+");
        private static final Pattern HEAD =
                Pattern.compile("\"last_commit\"\\s*:\\s*\\{\\s*\"id\"\\s*:\\s*\"([0-9a-f]{40})\"");

        private final String template;
        private final String head;
        private final ThreadLocal<Mac> mac;

        Payloads(Path file, String secret, Target target) throws IOException {
            // Textual edits: the source launcher has no JSON library, and the rest stays as GitLab wrote it.
            String json = Files.readString(file);
            Matcher iid = IID.matcher(json);
            int attributes = json.indexOf("\"object_attributes\"");
            Matcher sha = HEAD.matcher(json);
            if (attributes < 0 || !iid.find(attributes) || !sha.find()) {
                throw new IllegalArgumentException(file + ": no object_attributes.iid or last_commit.id to vary");
            }
            template = (json.substring(0, iid.start()) + "\"iid\": @IID@" + json.substring(iid.end()))
                    .replace(sha.group(1), "@SHA@");
            head = "POST " + target.path() + " HTTP/1.1\r\nHost: " + target.hostHeader()
                    + "\r\nUser-Agent: GitLab/17.5.1-ee\r\nContent-Type: application/json\r\n";
            mac = ThreadLocal.withInitial(() -> {
                try {
                    Mac hmac = Mac.getInstance("HmacSHA256");
                    hmac.init(new SecretKeySpec(secret.getBytes(UTF_8), "HmacSHA256"));
                    return hmac;
                } catch (java.security.GeneralSecurityException e) {
                    throw new IllegalStateException(e);
                }
            });
        }

        Webhook webhook(long iid) {
            String sha = String.format("%040x", iid);
            byte[] body = template.replace("@IID@", Long.toString(iid)).replace("@SHA@", sha).getBytes(UTF_8);
            byte[] headers = (head + "X-Gitlab-Signature: " + HEX.formatHex(mac.get().doFinal(body))
                    + "\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(US_ASCII);
            byte[] request = Arrays.copyOf(headers, headers.length + body.length);
            System.arraycopy(body, 0, request, headers.length, body.length);
            return new Webhook(sha, request);
        }

        /** Built before the timed part, so that signing costs the load generator nothing while it measures. */
        List<Webhook> batch(long firstIid, int count) {
            List<Webhook> webhooks = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                webhooks.add(webhook(firstIid + i));
            }
            return webhooks;
        }
    }

    // ---------------------------------------------------------------- load generation

    /**
     * HTTP/1.1 over one keep-alive socket, blocking. Requests are pre-serialized bytes and answers are read
     * just far enough to frame them: a few microseconds per request, so that the generator is not what
     * limits the rate on a small machine (java.net.http costs several times that).
     */
    static final class Connection implements Closeable {
        static final int IO_ERROR = -1;

        private final Target target;
        private final int timeoutMillis;
        private Socket socket;
        private InputStream in;
        private OutputStream out;

        Connection(Target target, int timeoutMillis) {
            this.target = target;
            this.timeoutMillis = timeoutMillis;
        }

        void connect() throws IOException {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(target.host(), target.port()), timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
            out = new BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
        }

        /** The answer's status, or {@link #IO_ERROR}; a broken connection is reopened by the next request. */
        int exchange(byte[] request) {
            try {
                if (socket == null) {
                    connect();
                }
                out.write(request);
                out.flush();
                return readAnswer();
            } catch (IOException | RuntimeException e) {
                close();
                return IO_ERROR;
            }
        }

        private int readAnswer() throws IOException {
            String status = line();
            int code = Integer.parseInt(status.substring(9, 12));
            long length = -1;
            boolean chunked = false;
            boolean close = false;
            for (String header = line(); !header.isEmpty(); header = line()) {
                int colon = header.indexOf(':');
                String name = header.substring(0, colon).trim();
                String value = header.substring(colon + 1).trim();
                if (name.equalsIgnoreCase("Content-Length")) {
                    length = Long.parseLong(value);
                } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
                    chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                } else if (name.equalsIgnoreCase("Connection")) {
                    close = value.equalsIgnoreCase("close");
                }
            }
            if (chunked) {
                for (long size; (size = Long.parseLong(line().split(";")[0].trim(), 16)) > 0; line()) {
                    in.skipNBytes(size);
                }
                while (!line().isEmpty()) {
                    // trailers
                }
            } else if (length >= 0) {
                in.skipNBytes(length);
            } else {
                in.transferTo(OutputStream.nullOutputStream());
                close = true;
            }
            if (close) {
                close();
            }
            return code;
        }

        private String line() throws IOException {
            StringBuilder line = new StringBuilder(64);
            for (int c; (c = in.read()) != '\n'; ) {
                if (c < 0) {
                    throw new EOFException("connection closed");
                }
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            return line.toString();
        }

        @Override
        public void close() {
            try {
                if (socket != null) {
                    socket.close();
                }
            } catch (IOException ignored) {
                // closing a broken socket
            }
            socket = null;
        }
    }

    /**
     * A batch of webhooks sent on a pool of keep-alive connections, one thread each, and what each got.
     *
     * <p>Paced (open model): webhook i is due at start + i/rate whatever happened to the others, and its
     * latency counts from when it was due, so a server that stalls shows as latency rather than as a
     * slower sender (no coordinated omission). One due more than the give-up time ago is not sent and
     * counts as an error, which bounds a run against a server that cannot keep up.
     *
     * <p>Closed: each connection sends its next webhook as soon as the previous one is answered.
     */
    static final class Load {
        static final int GAVE_UP = -2;

        private final IntFunction<Webhook> source;
        private final String[] shas;
        private final long[] due;
        private final long[] done;
        private final long[] wakeLag;
        private final int[] status;
        private final double rate;
        private final long giveUpNanos;
        private final AtomicInteger next = new AtomicInteger();
        private long start;

        private Load(int count, IntFunction<Webhook> source, double rate, long giveUpNanos) {
            this.source = source;
            this.shas = new String[count];
            this.due = new long[count];
            this.done = new long[count];
            this.wakeLag = new long[count];
            this.status = new int[count];
            this.rate = rate;
            this.giveUpNanos = giveUpNanos;
            Arrays.fill(wakeLag, -1);
        }

        static Load paced(Target target, List<Webhook> webhooks, double rate, int connections, Duration giveUp)
                throws InterruptedException {
            Load load = new Load(webhooks.size(), webhooks::get, rate, giveUp.toNanos());
            load.run(target, connections);
            return load;
        }

        static Load closed(Target target, int count, IntFunction<Webhook> source, int connections)
                throws InterruptedException {
            Load load = new Load(count, source, 0, Long.MAX_VALUE);
            load.run(target, connections);
            return load;
        }

        private void run(Target target, int connections) throws InterruptedException {
            CountDownLatch connected = new CountDownLatch(connections);
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < connections; t++) {
                Thread thread = new Thread(() -> {
                    try (Connection connection = new Connection(target, 30_000)) {
                        try {
                            connection.connect();
                        } catch (IOException e) {
                            connection.close();
                        }
                        connected.countDown();
                        go.await();
                        for (int i; (i = next.getAndIncrement()) < status.length; ) {
                            send(connection, i);
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "load-" + t);
                threads.add(thread);
                thread.start();
            }
            connected.await();
            start = System.nanoTime() + 1_000_000;
            go.countDown();
            for (Thread thread : threads) {
                thread.join();
            }
        }

        private void send(Connection connection, int i) {
            Webhook webhook = source.apply(i);
            shas[i] = webhook.sha();
            long now = System.nanoTime();
            long scheduled = rate > 0 ? start + Math.round(i * 1e9 / rate) : Math.max(now, start);
            if (now < scheduled) {
                for (long wait; (wait = scheduled - System.nanoTime()) > 0; ) {
                    LockSupport.parkNanos(wait);
                }
                if (rate > 0) {
                    wakeLag[i] = System.nanoTime() - scheduled;
                }
            } else if (now - scheduled > giveUpNanos) {
                due[i] = scheduled;
                done[i] = now;
                status[i] = GAVE_UP;
                return;
            }
            due[i] = scheduled;
            status[i] = connection.exchange(webhook.request());
            done[i] = System.nanoTime();
        }

        long start() {
            return start;
        }

        String sha(int i) {
            return shas[i];
        }

        long due(int i) {
            return due[i];
        }

        /** Indices of the webhooks the service took (202): each must end in one verdict. */
        List<Integer> accepted() {
            List<Integer> accepted = new ArrayList<>();
            for (int i = 0; i < status.length; i++) {
                if (status[i] == 202) {
                    accepted.add(i);
                }
            }
            return accepted;
        }

        Summary summary(double target) {
            List<Long> latencies = new ArrayList<>();
            List<Long> lags = new ArrayList<>();
            Map<String, Integer> codes = new TreeMap<>();
            long end = start;
            for (int i = 0; i < status.length; i++) {
                codes.merge(status[i] == Connection.IO_ERROR ? "io-error" : status[i] == GAVE_UP ? "gave-up"
                        : Integer.toString(status[i]), 1, Integer::sum);
                if (status[i] / 100 == 2) {
                    latencies.add(done[i] - due[i]);
                    end = Math.max(end, done[i]);
                }
                if (wakeLag[i] >= 0) {
                    lags.add(wakeLag[i]);
                }
            }
            long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
            long[] sortedLags = lags.stream().mapToLong(Long::longValue).sorted().toArray();
            double seconds = Math.max(1, end - start) / 1e9;
            return new Summary(target, status.length, sorted.length, status.length - sorted.length, codes,
                    sorted.length / seconds, ms(percentile(sorted, 50)), ms(percentile(sorted, 90)),
                    ms(percentile(sorted, 99)), ms(percentile(sorted, 100)), ms(percentile(sortedLags, 99)));
        }
    }

    /**
     * A run's figures. Latencies (ms) are those of 2xx answers, from when each request was due; every other
     * outcome is an error. {@code lagP99}: how late the generator's own threads woke for a request they
     * were waiting for; when it is near the latencies, the machine, not the service, set them.
     */
    record Summary(double rate, int sent, int ok, int errors, Map<String, Integer> codes, double achieved,
            double p50, double p90, double p99, double max, double lagP99) {

        boolean holds(double p99Limit) {
            return whyNotHeld(p99Limit).isEmpty();
        }

        String whyNotHeld(double p99Limit) {
            List<String> reasons = new ArrayList<>();
            if (errors > 0) {
                reasons.add("errors");
            }
            if (achieved < rate * 0.97) {
                reasons.add("rate");
            }
            if (p99 > p99Limit) {
                reasons.add("p99");
            }
            return String.join("+", reasons);
        }

        String line() {
            return String.format(Locale.ROOT, "%s: sent %d, answers %s, achieved %.0f/s, latency p50 %.2f p90 %.2f "
                    + "p99 %.2f max %.2f ms%s", rate > 0 ? String.format(Locale.ROOT, "%.0f/s", rate) : "closed loop",
                    sent, codes, achieved, p50, p90, p99, max,
                    lagP99 < 0 ? "" : String.format(Locale.ROOT, ", generator lag p99 %.2f ms", lagP99));
        }
    }

    /** Accepted webhooks joined with their verdicts by HEAD SHA; times on this JVM's clock. */
    record Verdicts(
            int accepted, long[] latencies, long firstArrival, long lastArrival, long lastDue, int duplicates) {

        static Verdicts of(Map<String, Long> due, FakeGitLab gitlab) {
            List<Long> latencies = new ArrayList<>();
            long first = Long.MAX_VALUE;
            long last = Long.MIN_VALUE;
            long lastDue = Long.MIN_VALUE;
            for (Map.Entry<String, Long> entry : due.entrySet()) {
                lastDue = Math.max(lastDue, entry.getValue());
                Long arrival = gitlab.verdictAt(entry.getKey());
                if (arrival != null) {
                    latencies.add(arrival - entry.getValue());
                    first = Math.min(first, arrival);
                    last = Math.max(last, arrival);
                }
            }
            return new Verdicts(due.size(), latencies.stream().mapToLong(Long::longValue).sorted().toArray(), first,
                    last, lastDue, gitlab.repeated(due.keySet()));
        }

        int received() {
            return latencies.length;
        }

        int lost() {
            return accepted - latencies.length;
        }

        double latencyMs(double p) {
            return ms(percentile(latencies, p));
        }

        /** Verdicts that came later than {@code limit} after their webhook, and webhooks that got none. */
        int over(Duration limit) {
            return (int) Arrays.stream(latencies).filter(l -> l > limit.toNanos()).count() + lost();
        }

        /** The pace verdicts came at: (n - 1) intervals between the first and the last. */
        double perSecondFirstToLast() {
            return latencies.length < 2 ? 0 : (latencies.length - 1) / ((lastArrival - firstArrival) / 1e9);
        }

        double perSecondSinceStart(long start) {
            return latencies.length == 0 ? 0 : latencies.length / ((lastArrival - start) / 1e9);
        }

        /** From when the last webhook was due to when the last verdict arrived: how long the tail waits. */
        double lastAfterLastWebhookSeconds() {
            return latencies.length == 0 ? -1 : (lastArrival - lastDue) / 1e9;
        }

        double secondsToFirst(long since) {
            return latencies.length == 0 ? -1 : (firstArrival - since) / 1e9;
        }
    }

    // ---------------------------------------------------------------- the fake GitLab

    /**
     * Answers what policy-gate asks of GitLab, each call after the latency: status_check_responses (201, or 503 at
     * the error rate), the merge request (as the compliant sample payload has it, at the HEAD Bench gives its iid:
     * the SHA is the iid in hex, with its reference and diff_refs), its project, its one status check (as the merge
     * request and the project list it), the comparison from its merge base and its diff versions (one, for that
     * HEAD, without changes or commits; /diffs and /commits, which earlier builds read, are empty too), notes, the
     * token's user and the version. Records when each SHA's first verdict arrived and counts every call.
     */
    static final class FakeGitLab {
        private static final Pattern MERGE_REQUEST = Pattern.compile("/api/v4/projects/(\\d+)/merge_requests/(\\d+)");
        private static final Pattern SHA = Pattern.compile("\"sha\"\\s*:\\s*\"([0-9a-f]{40})\"");
        /** The merge base of every merge request's diff. */
        private static final String BASE = "b".repeat(40);

        private final HttpServer server;
        private final ExecutorService threads;
        private final Map<String, Long> verdicts = new ConcurrentHashMap<>();
        private final Map<String, Integer> repeats = new ConcurrentHashMap<>();
        private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();
        private volatile int latencyMs;
        private volatile double errorRate;
        private final String checkUrl;

        private final int rateLimit;
        private long window;
        private int windowCalls;

        private FakeGitLab(HttpServer server, ExecutorService threads, int latencyMs, double errorRate,
                String checkUrl, int rateLimit) {
            this.rateLimit = rateLimit;
            this.server = server;
            this.threads = threads;
            this.latencyMs = latencyMs;
            this.errorRate = errorRate;
            this.checkUrl = checkUrl;
        }

        /** @param checkUrl the external_url of the status check GitLab shows: where the check calls policy-gate */
        static FakeGitLab start(int port, int latencyMs, double errorRate, String checkUrl) throws IOException {
            return start(port, latencyMs, errorRate, checkUrl, 0);
        }

        /**
         * @param rateLimit calls a minute GitLab allows the token, counted in fixed windows of a clock minute as
         *     Rack::Attack counts them, with GitLab's RateLimit-* headers on every answer and 429 + Retry-After past
         *     it; 0: no limit and no headers (a self-managed GitLab's default)
         */
        static FakeGitLab start(int port, int latencyMs, double errorRate, String checkUrl, int rateLimit)
                throws IOException {
            // Without TCP_NODELAY the JDK server's small answers wait for delayed ACKs: 40 ms per call.
            System.setProperty("sun.net.httpserver.nodelay", "true");
            // The JDK server closes idle connections beyond 200 (its default), which a client keeping a larger pool
            // meets as "connection was closed" on its next call; policy-gate keeps one per call it may have in flight.
            System.setProperty("sun.net.httpserver.maxIdleConnections", "2048");
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 1024);
            // Enough threads that an injected latency delays answers rather than queueing them: more than the
            // calls policy-gate has in flight in the suite's runs (IN_FLIGHT in run.sh, 512).
            ExecutorService threads = Executors.newFixedThreadPool(1024);
            FakeGitLab gitlab = new FakeGitLab(server, threads, latencyMs, errorRate, checkUrl, rateLimit);
            server.createContext("/", gitlab::handle);
            server.setExecutor(threads);
            server.start();
            return gitlab;
        }

        int port() {
            return server.getAddress().getPort();
        }

        void failReports(double rate) {
            errorRate = rate;
        }

        void stop() {
            server.stop(0);
            threads.shutdownNow();
        }

        Long verdictAt(String sha) {
            return verdicts.get(sha);
        }

        /** How many of these SHAs got a second 201: a verdict reported twice. */
        int repeated(Collection<String> shas) {
            return (int) shas.stream().filter(repeats::containsKey).count();
        }

        /** Calls answered so far; of one kind when named (e.g. "429"). */
        long callCount(String... kind) {
            return calls.entrySet().stream()
                    .filter(e -> kind.length == 0 || e.getKey().equals(kind[0]))
                    .mapToLong(e -> e.getValue().sum())
                    .sum();
        }

        String calls() {
            return new TreeMap<>(calls).entrySet().stream().map(e -> e.getKey() + " " + e.getValue().sum())
                    .collect(Collectors.joining(", "));
        }

        /** Waits until each SHA has a verdict, the timeout passes, or none arrived for {@code stall}. */
        int awaitVerdicts(Collection<String> shas, Duration timeout, Duration stall) throws InterruptedException {
            List<String> missing = new ArrayList<>(shas);
            long now = System.nanoTime();
            long deadline = now + timeout.toNanos();
            long progress = now;
            while (!missing.isEmpty() && now < deadline && now - progress < stall.toNanos()) {
                if (missing.removeIf(verdicts::containsKey)) {
                    progress = now;
                }
                Thread.sleep(50);
                now = System.nanoTime();
            }
            missing.removeIf(verdicts::containsKey);
            return shas.size() - missing.size();
        }

        private void handle(HttpExchange exchange) throws IOException {
            try (exchange) {
                String body = new String(exchange.getRequestBody().readAllBytes(), UTF_8);
                String method = exchange.getRequestMethod();
                String path = exchange.getRequestURI().getPath();
                if (path.startsWith("/_bench/")) {
                    control(exchange, path);
                    return;
                }
                if (latencyMs > 0) {
                    try {
                        Thread.sleep(latencyMs);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                if (rateLimit > 0 && !limited(exchange)) {
                    answer(exchange, "429", 429, "{\"message\":\"Retry later\"}");
                    return;
                }
                Matcher mergeRequest = MERGE_REQUEST.matcher(path);
                boolean ofMergeRequest = method.equals("GET") && mergeRequest.lookingAt();
                String sha = ofMergeRequest ? String.format("%040x", Long.parseLong(mergeRequest.group(2))) : null;
                String rest = ofMergeRequest ? path.substring(mergeRequest.end()) : "";
                if (method.equals("POST") && path.endsWith("/status_check_responses")) {
                    status(exchange, body);
                } else if (ofMergeRequest && rest.isEmpty()) {
                    answer(exchange, "merge request", 200, "{\"iid\":" + mergeRequest.group(2) + ",\"project_id\":"
                            + mergeRequest.group(1) + ",\"title\":\"PAY-123 Update README.md\",\"description\":\"\","
                            + "\"state\":\"opened\",\"sha\":\"" + sha + "\",\"source_branch\":\"root-main-patch-30152\","
                            + "\"target_branch\":\"main\",\"draft\":false,\"work_in_progress\":false,"
                            + "\"labels\":[\"compliance-reviewed\"],\"author\":{\"id\":1,\"username\":\"root\"},"
                            + "\"web_url\":\"http://example.com/flightjs/Flight/-/merge_requests/" + mergeRequest.group(2)
                            + "\",\"references\":{\"full\":\"flightjs/Flight!" + mergeRequest.group(2) + "\"},"
                            + "\"diff_refs\":{\"base_sha\":\"" + BASE + "\",\"head_sha\":\"" + sha
                            + "\",\"start_sha\":\"" + BASE + "\"}}");
                } else if (ofMergeRequest && rest.equals("/status_checks")) {
                    answer(exchange, "status checks", 200, "[{\"id\":1,\"name\":\"QA\",\"external_url\":\"" + checkUrl
                            + "\",\"status\":\"pending\"}]");
                } else if (ofMergeRequest && rest.equals("/versions")) {
                    answer(exchange, "versions", 200, "[{\"id\":" + mergeRequest.group(2) + ",\"head_commit_sha\":\""
                            + sha + "\"}]");
                } else if (ofMergeRequest && rest.startsWith("/versions/")) {
                    answer(exchange, "diff version", 200, "{\"id\":" + mergeRequest.group(2) + ",\"head_commit_sha\":\""
                            + sha + "\",\"diffs\":[],\"commits\":[]}");
                } else if (ofMergeRequest && (rest.equals("/notes") || rest.equals("/diffs") || rest.equals("/commits"))) {
                    // Builds before the diff versions read /diffs and /commits: none, so that an A/B compares alike.
                    answer(exchange, rest.substring(1), 200, "[]");
                } else if (method.equals("GET") && path.matches("/api/v4/projects/\\d+/external_status_checks")) {
                    answer(exchange, "project status checks", 200, "[{\"id\":1,\"name\":\"QA\",\"external_url\":\""
                            + checkUrl + "\",\"hmac\":true,\"protected_branches\":[]}]");
                } else if (method.equals("GET") && path.matches("/api/v4/projects/\\d+/repository/compare")) {
                    String to = query(exchange, "to");
                    answer(exchange, "comparison", 200, "{\"commit\":{\"id\":\"" + to + "\"},\"commits\":[],"
                            + "\"diffs\":[],\"compare_timeout\":false,\"compare_same_ref\":false}");
                } else if (method.equals("GET") && path.matches("/api/v4/projects/\\d+")) {
                    answer(exchange, "project", 200, "{\"id\":" + path.substring(path.lastIndexOf('/') + 1)
                            + ",\"path_with_namespace\":\"flightjs/Flight\"}");
                } else if (method.equals("POST") && path.endsWith("/notes")) {
                    answer(exchange, "note created", 201, "{\"id\":1}");
                } else if (method.equals("PUT") && path.contains("/notes/")) {
                    answer(exchange, "note updated", 200, "{\"id\":1}");
                } else if (path.equals("/api/v4/user")) {
                    answer(exchange, "user", 200, "{\"id\":99,\"username\":\"bot\"}");
                } else if (path.equals("/api/v4/version")) {
                    answer(exchange, "version", 200, "{\"version\":\"17.5.1-ee\",\"revision\":\"bench\"}");
                } else {
                    answer(exchange, "unknown " + method + " " + path.replaceAll("\\d+", "N"), 404,
                            "{\"message\":\"404 Not Found\"}");
                }
            }
        }

        /**
         * Counts the call in its clock minute and sets GitLab's headers (RateLimit-Limit, -Observed, -Remaining,
         * -Reset; Retry-After past the limit); false when the minute's calls are spent.
         */
        private boolean limited(HttpExchange exchange) {
            long now = System.currentTimeMillis();
            long minute = now / 60_000;
            int observed;
            synchronized (this) {
                if (minute != window) {
                    window = minute;
                    windowCalls = 0;
                }
                observed = ++windowCalls;
            }
            long reset = (minute + 1) * 60;
            var headers = exchange.getResponseHeaders();
            headers.set("RateLimit-Name", "throttle_authenticated_api");
            headers.set("RateLimit-Limit", String.valueOf(rateLimit));
            headers.set("RateLimit-Observed", String.valueOf(observed));
            headers.set("RateLimit-Remaining", String.valueOf(Math.max(0, rateLimit - observed)));
            headers.set("RateLimit-Reset", String.valueOf(reset));
            if (observed <= rateLimit) {
                return true;
            }
            headers.set("Retry-After", String.valueOf(Math.max(1, reset - now / 1000)));
            return false;
        }

        private static String query(HttpExchange exchange, String name) {
            String query = exchange.getRequestURI().getQuery();
            for (String pair : query == null ? new String[0] : query.split("&")) {
                if (pair.startsWith(name + "=")) {
                    return pair.substring(name.length() + 1);
                }
            }
            return "";
        }

        private void status(HttpExchange exchange, String body) throws IOException {
            if (errorRate > 0 && ThreadLocalRandom.current().nextDouble() < errorRate) {
                answer(exchange, "status 503", 503, "{\"message\":\"503 Service Unavailable\"}");
                return;
            }
            Matcher sha = SHA.matcher(body);
            if (!sha.find()) {
                answer(exchange, "status 400", 400, "{\"message\":\"sha is missing\"}");
                return;
            }
            if (verdicts.putIfAbsent(sha.group(1), System.nanoTime()) != null) {
                repeats.merge(sha.group(1), 1, Integer::sum);
            }
            answer(exchange, "status 201", 201, "{\"id\":1,\"external_status_check_id\":1,\"status\":\"passed\"}");
        }

        private void control(HttpExchange exchange, String path) throws IOException {
            if (path.equals("/_bench/mode")) {
                Map<String, String> query = new HashMap<>();
                String raw = exchange.getRequestURI().getQuery();
                for (String pair : raw == null ? new String[0] : raw.split("&")) {
                    String[] kv = pair.split("=", 2);
                    query.put(kv[0], kv.length > 1 ? kv[1] : "");
                }
                latencyMs = Integer.parseInt(query.getOrDefault("latency-ms", Integer.toString(latencyMs)));
                errorRate = Double.parseDouble(query.getOrDefault("error-rate", Double.toString(errorRate)));
            }
            send(exchange, 200, String.format(Locale.ROOT, "latency %d ms, error rate %.3f, verdicts %d, repeated %d%n"
                    + "calls: %s%n", latencyMs, errorRate, verdicts.size(), repeats.size(), calls()));
        }

        private void answer(HttpExchange exchange, String kind, int status, String json) throws IOException {
            calls.computeIfAbsent(kind, k -> new LongAdder()).increment();
            send(exchange, status, json);
        }

        private static void send(HttpExchange exchange, int status, String text) throws IOException {
            byte[] bytes = text.getBytes(UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    // ---------------------------------------------------------------- small things

    /** {@code --name value} pairs. */
    record Options(Map<String, String> values) {
        static Options parse(String[] args) {
            Map<String, String> values = new HashMap<>();
            for (int i = 0; i < args.length; i += 2) {
                if (!args[i].startsWith("--") || i + 1 >= args.length) {
                    throw usage();
                }
                values.put(args[i].substring(2), args[i + 1]);
            }
            return new Options(values);
        }

        boolean has(String name) {
            return values.containsKey(name);
        }

        String text(String name, String fallback) {
            return values.getOrDefault(name, fallback);
        }

        int integer(String name, int fallback) {
            return has(name) ? Integer.parseInt(values.get(name)) : fallback;
        }

        double decimal(String name, double fallback) {
            return has(name) ? Double.parseDouble(values.get(name)) : fallback;
        }

        double[] decimals(String name, String fallback) {
            return Arrays.stream(text(name, fallback).split(",")).mapToDouble(Double::parseDouble).toArray();
        }
    }

    /** Nearest rank; p = 100 is the maximum. */
    static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return -1;
        }
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    static double ms(long nanos) {
        return nanos < 0 ? -1 : nanos / 1e6;
    }

    static double mib(long kb) {
        return kb < 0 ? -1 : kb / 1024.0;
    }

    static double median(List<Summary> runs, java.util.function.ToDoubleFunction<Summary> figure) {
        double[] sorted = runs.stream().mapToDouble(figure).sorted().toArray();
        int n = sorted.length;
        return n == 0 ? -1 : n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** One machine-readable line: {@code RESULT name key=value ...}; decimals with two places. */
    static void result(String name, Object... keyValues) {
        StringBuilder line = new StringBuilder("RESULT ").append(name);
        for (int i = 0; i < keyValues.length; i += 2) {
            Object value = keyValues[i + 1];
            line.append(' ').append(keyValues[i]).append('=').append(value instanceof Double d
                    ? String.format(Locale.ROOT, "%.2f", d) : value);
        }
        System.out.println(line);
    }
}
