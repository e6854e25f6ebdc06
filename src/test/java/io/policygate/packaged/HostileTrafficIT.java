package io.policygate.packaged;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.policygate.testing.FakeGitLab;
import io.policygate.testing.GitLabStubs;
import io.policygate.testing.Payloads;
import io.policygate.testing.ServiceProcess;
import io.policygate.testing.StubbedServers;
import io.policygate.testing.Webhooks;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar, with the heap the Kubernetes base gives it (-Xmx384m), faces what the internet sends while
 * GitLab's webhooks go on: six 24 MB bodies at once with a forged signature (read whole, to their last byte),
 * bodies built to break a parser, a body that never ends, one that trickles, 10,000 headers, paths spelled to slip
 * past the access check. GitLab's own webhooks, two of them 24 MB (GitLab encodes up to 25 MB), are each answered
 * 202 and reported: the number lost is printed, and must be 0. The heap is read from the GC log.
 */
class HostileTrafficIT {

    private static final int VALID = 60;
    private static final int LARGE_VALID = 2;
    private static final int ATTACKERS = 6;
    /** GitLab's description change history ({@code changes.description}) is what makes a real body that large. */
    private static final int HALF_OF_LARGE = 12_000_000;

    private static final long ATTACK_BYTES = 24_000_000;

    private static final Pattern MR = Pattern.compile("/merge_requests/(\\d+)/status_check_responses");
    /** -Xlog:gc: "… Pause Young (Normal) (G1 Evacuation Pause) 61M->20M(384M) 4.1ms" */
    private static final Pattern GC = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");

    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    Path work;

    @Test
    void strangersCostNothingAndNoWebhookOfGitLabsIsLost() throws Exception {
        FakeGitLab.SHARED.reset();
        WireMockServer gitlab = new WireMockServer(FakeGitLab.options().dynamicPort());
        gitlab.start();
        Path gcLog = work.resolve("gc.log");
        Path keyFile = work.resolve("attestation-key.pem");
        java.security.KeyPair key = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Files.writeString(
                keyFile,
                "-----BEGIN PRIVATE KEY-----\n"
                        + Base64.getMimeEncoder()
                                .encodeToString(key.getPrivate().getEncoded())
                        + "\n-----END PRIVATE KEY-----\n");
        Map<String, String> env = new LinkedHashMap<>(ServiceProcess.reportingTo(gitlab.baseUrl()));
        env.put("POLICY_GATE_ATTESTATIONS_KEY_FILE", keyFile.toString());
        env.put("POLICY_GATE_WEB_OPEN", "true");
        try (ServiceProcess service = ServiceProcess.start(
                work, "hostile", List.of("-Xmx384m", "-XX:+ExitOnOutOfMemoryError", "-Xlog:gc:file=" + gcLog), env)) {
            GitLabStubs.acceptAll(gitlab);
            service.awaitReady(System.nanoTime());
            URI base = service.uri("/");
            long liveBefore = service.liveHeap();

            ExecutorService pool = Executors.newFixedThreadPool(ATTACKERS + LARGE_VALID + 4);
            Map<String, String> hostile = new ConcurrentHashMap<>();
            List<Future<?>> attacks = new ArrayList<>();
            String[] shapes = {
                "{\"object_kind\":\"merge_request\",\"policy_gate_origin\":[|{},|{}]}",
                "{\"object_kind\":\"merge_request\",\"labels\":[|{\"title\":\"x\"},|{\"title\":\"x\"}]}",
                "{\"object_kind\":\"merge_request\",\"object_attributes\":{\"description\":\"|aaaaaaaa|\"}}"
            };
            for (int i = 0; i < ATTACKERS; i++) {
                String[] shape = shapes[i % shapes.length].split("\\|");
                String name = "24 MB #" + (i + 1) + ", forged signature: " + shape[1] + " × "
                        + ATTACK_BYTES / shape[1].length();
                attacks.add(pool.submit(() -> hostile.put(name, answer(() -> postStreamed(base, shape, "deadbeef")))));
            }
            attacks.add(pool.submit(() -> hostile.put("a body that never ends", neverEnds(base))));
            attacks.add(pool.submit(() -> hostile.put("a body that trickles", trickles(base))));
            attacks.add(pool.submit(() -> hostile.put("10,000 headers", manyHeaders(base))));

            // GitLab's webhooks meanwhile: small ones, and two of 24 MB.
            List<Future<Integer>> large = new ArrayList<>();
            for (int i = 1; i <= LARGE_VALID; i++) {
                String body = large(1000 + i);
                large.add(pool.submit(() -> service.sendSigned(body).statusCode()));
            }
            Map<Integer, Integer> answers = new LinkedHashMap<>();
            for (int iid = 1; iid <= VALID; iid++) {
                answers.put(
                        iid,
                        service.sendSigned(Payloads.forMergeRequest(Payloads.COMPLIANT, iid, Payloads.sha(iid)))
                                .statusCode());
                hostileBodies(base, iid, hostile);
                Thread.sleep(20);
            }
            for (int i = 0; i < LARGE_VALID; i++) {
                answers.put(1001 + i, large.get(i).get());
            }
            for (Future<?> attack : attacks) {
                attack.get();
            }
            pool.shutdown();

            await().atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> reportedMergeRequests(gitlab).containsAll(answers.keySet()));
            Set<Integer> reported = reportedMergeRequests(gitlab);
            long accepted = answers.values().stream().filter(s -> s == 202).count();
            long lost = answers.entrySet().stream()
                    .filter(a -> a.getValue() != 202 || !reported.contains(a.getKey()))
                    .count();
            long liveAfter = service.liveHeap();
            List<long[]> collections = Files.readAllLines(gcLog).stream()
                    .map(GC::matcher)
                    .filter(Matcher::find)
                    .map(m -> new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))})
                    .toList();
            long peakBefore = collections.stream().mapToLong(c -> c[0]).max().orElse(0);
            long peakAfter = collections.stream().mapToLong(c -> c[1]).max().orElse(0);

            System.out.println("Hostile traffic against the packaged jar at -Xmx384m:");
            hostile.forEach((what, answer) -> System.out.printf("  %-60s %s%n", what, answer));
            System.out.printf(
                    "GitLab's webhooks: %d sent (%d of 24 MB), %d answered 202, %d reported; valid webhooks lost: %d%n"
                            + "heap: at most %d MiB before a collection, %d MiB after one (%d collections); live heap"
                            + " %d MiB before, %d MiB after%n",
                    answers.size(),
                    LARGE_VALID,
                    accepted,
                    reported.size(),
                    lost,
                    peakBefore,
                    peakAfter,
                    collections.size(),
                    liveBefore >> 20,
                    liveAfter >> 20);

            assertEquals(0, lost, "valid webhooks lost: " + answers);
            String log = service.log();
            assertFalse(log.contains("OutOfMemoryError"), log);
            assertTrue(service.process().isAlive(), log);
            // What outlives a collection while the bodies stream through: a few buffers each, never a body.
            assertTrue(peakAfter < 96, "heap after a collection reached " + peakAfter + " MiB");
            assertTrue(
                    liveAfter < liveBefore + (16L << 20),
                    "live heap " + (liveBefore >> 20) + " MiB before, " + (liveAfter >> 20) + " MiB after");
            hostile.forEach((what, answer) -> assertTrue(
                    answer.startsWith("401")
                            || answer.startsWith("400")
                            || answer.startsWith("408")
                            || answer.startsWith("413")
                            || answer.startsWith("431")
                            || answer.startsWith("closed"),
                    what + " -> " + answer));
            // Nothing more arrives: the connection goes once the body is behind its minimum rate, not after 30 s.
            String neverEnds = hostile.get("a body that never ends");
            assertTrue(neverEnds.startsWith("closed"), neverEnds);
            Matcher after = Pattern.compile("after (\\d+) s").matcher(neverEnds);
            assertTrue(after.find() && Integer.parseInt(after.group(1)) < 10, neverEnds);
            assertTrue(hostile.get("a body that trickles").startsWith("408"), hostile.toString());
            // The decision records' key is the one in policy-gate.attestations.key-file, under its own id.
            String keys = HTTP.send(
                            HttpRequest.newBuilder(service.uri("/api/v1/keys")).build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            assertTrue(keys.contains(io.policygate.attestation.Signatures.keyId(key.getPublic())), keys);
            StubbedServers.assertNoUnexpectedRequest(gitlab);
            assertTrue(service.terminate(30));
        } finally {
            gitlab.stop();
        }
    }

    /**
     * Small hostile requests, a few after each valid webhook: signed bodies that no parser should take (400), the
     * same unsigned (401), and paths spelled to reach the API around the access check (400 or 401).
     */
    private static void hostileBodies(URI base, int round, Map<String, String> answers) {
        Map<String, String> bodies = new LinkedHashMap<>();
        bodies.put(
                "deep nesting",
                "{\"object_kind\":\"merge_request\",\"x\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}");
        bodies.put("duplicate keys", Payloads.raw(Payloads.SAMPLE).replaceFirst("\\{", "{\"object_kind\":\"push\","));
        bodies.put("a key of 1 MB", "{\"" + "k".repeat(1_000_000) + "\":1}");
        bodies.put(
                "a number of 1 MB digits",
                "{\"object_kind\":\"merge_request\",\"project\":{\"id\":" + "9".repeat(1_000_000) + "}}");
        bodies.put("two documents", "{\"object_kind\":\"merge_request\"} {}");
        List<String> names = new ArrayList<>(bodies.keySet());
        String name = names.get(round % names.size());
        byte[] body = bodies.get(name).getBytes(StandardCharsets.UTF_8);
        answers.putIfAbsent("signed: " + name, answer(() -> post(base, "/webhooks/gitlab", body, true)));
        answers.putIfAbsent("unsigned: " + name, answer(() -> post(base, "/webhooks/gitlab", body, false)));
        byte[] invalid = Payloads.raw(Payloads.SAMPLE)
                .replace("Update README.md", "Update README.md \u0000\u0000")
                .getBytes(StandardCharsets.UTF_8);
        int at = new String(invalid, StandardCharsets.UTF_8).indexOf('\u0000');
        invalid[at] = (byte) 0xC3;
        invalid[at + 1] = (byte) 0x28;
        answers.putIfAbsent("signed: invalid UTF-8", answer(() -> post(base, "/webhooks/gitlab", invalid, true)));
        for (String path : List.of("/api;x=1/v1/evaluations", "/API/v1/evaluations", "/evaluations/..%2Fapi")) {
            answers.putIfAbsent(
                    "GET " + path,
                    answer(() -> raw(base, "GET " + path + " HTTP/1.1\r\nHost: x\r\n" + "Connection: close\r\n\r\n")));
        }
    }

    @FunctionalInterface
    private interface Request {
        String send() throws Exception;
    }

    /** The answer's status line, or how the connection ended. */
    private static String answer(Request request) {
        try {
            return request.send();
        } catch (Exception e) {
            return "closed (" + e.getClass().getSimpleName() + ")";
        }
    }

    private static String post(URI base, String path, byte[] body, boolean signed) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (signed) {
            request.header("X-Gitlab-Signature", Webhooks.sign(Webhooks.SECRET, body));
        }
        HttpResponse<String> answer = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return answer.statusCode() + " "
                + answer.body()
                        .replaceAll("\\s+", " ")
                        .substring(0, Math.min(90, answer.body().length()));
    }

    /** {@code shape[0]}, then {@code shape[1]} repeated to {@link #ATTACK_BYTES}, then {@code shape[2]}, streamed. */
    private static String postStreamed(URI base, String[] shape, String signature) throws Exception {
        byte[] head = shape[0].getBytes(StandardCharsets.UTF_8);
        byte[] unit = shape[1].getBytes(StandardCharsets.UTF_8);
        byte[] tail = shape[2].getBytes(StandardCharsets.UTF_8);
        long units = ATTACK_BYTES / unit.length;
        long length = head.length + units * unit.length + tail.length;
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/webhooks/gitlab"))
                .header("Content-Type", "application/json")
                .header("X-Gitlab-Signature", signature)
                .POST(HttpRequest.BodyPublishers.fromPublisher(
                        HttpRequest.BodyPublishers.ofInputStream(() -> repeated(head, unit, units, tail)), length))
                .build();
        HttpResponse<String> answer = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        return answer.statusCode() + " "
                + answer.body()
                        .replaceAll("\\s+", " ")
                        .substring(0, Math.min(90, answer.body().length()));
    }

    private static InputStream repeated(byte[] head, byte[] unit, long units, byte[] tail) {
        return new InputStream() {
            private final long total = head.length + units * unit.length + tail.length;
            private long position;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) {
                if (position >= total) {
                    return -1;
                }
                int n = 0;
                while (n < length && position < total) {
                    long middleEnd = head.length + units * unit.length;
                    buffer[offset + n++] = position < head.length
                            ? head[(int) position]
                            : position < middleEnd
                                    ? unit[(int) ((position - head.length) % unit.length)]
                                    : tail[(int) (position - middleEnd)];
                    position++;
                }
                return n;
            }
        };
    }

    /** Headers that announce a megabyte, a few bytes of it, then silence: its connection must be closed. */
    private static String neverEnds(URI base) {
        long started = System.nanoTime();
        String ended = answer(() -> raw(
                base,
                "POST /webhooks/gitlab HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        + "X-Gitlab-Signature: deadbeef\r\nContent-Length: 1000000\r\n\r\n{\"object_kind\":"));
        return ended + " after " + Duration.ofNanos(System.nanoTime() - started).toSeconds() + " s";
    }

    /** A signed body sent a byte every 200 ms: past two seconds it is behind its minimum rate. */
    private static String trickles(URI base) {
        long started = System.nanoTime();
        byte[] body = Payloads.raw(Payloads.SAMPLE).getBytes(StandardCharsets.UTF_8);
        String answered = answer(() -> {
            try (Socket socket = new Socket(base.getHost(), base.getPort())) {
                socket.setSoTimeout(30_000);
                OutputStream out = socket.getOutputStream();
                out.write(("POST /webhooks/gitlab HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                + "X-Gitlab-Signature: " + Webhooks.sign(Webhooks.SECRET, body) + "\r\n"
                                + "Content-Length: " + body.length + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                InputStream in = socket.getInputStream();
                for (byte b : body) {
                    if (in.available() > 0) {
                        break;
                    }
                    try {
                        out.write(b);
                        out.flush();
                    } catch (IOException answeredAndClosed) {
                        break;
                    }
                    Thread.sleep(200);
                }
                return statusLine(in);
            }
        });
        return answered + " after "
                + Duration.ofNanos(System.nanoTime() - started).toSeconds() + " s";
    }

    private static String manyHeaders(URI base) {
        StringBuilder request = new StringBuilder("POST /webhooks/gitlab HTTP/1.1\r\nHost: x\r\n");
        for (int i = 0; i < 10_000; i++) {
            request.append("X-Header-").append(i).append(": value\r\n");
        }
        request.append("Content-Length: 2\r\n\r\n{}");
        return answer(() -> raw(base, request.toString()));
    }

    /** Writes {@code request} as it is and reads the answer's status line; "closed" if none comes. */
    private static String raw(URI base, String request) throws IOException {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            return statusLine(socket.getInputStream());
        }
    }

    private static String statusLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            line.append((char) c);
        }
        if (line.isEmpty()) {
            return "closed (no answer)";
        }
        String[] parts = line.toString().trim().split(" ", 3);
        return parts.length > 1 ? parts[1] + " " + (parts.length > 2 ? parts[2] : "") : line.toString();
    }

    /** A merge request event of about 24 MB, as GitLab builds one for a description with a long change history. */
    private static String large(int iid) {
        ObjectNode event = Payloads.json(Payloads.COMPLIANT);
        event.withObject("/object_attributes").put("iid", iid);
        event.withObject("/object_attributes/last_commit").put("id", Payloads.sha(iid));
        ObjectNode description = event.withObject("/changes/description");
        description.put("previous", "p".repeat(HALF_OF_LARGE));
        description.put("current", "c".repeat(HALF_OF_LARGE));
        return Payloads.write(event);
    }

    private static Set<Integer> reportedMergeRequests(WireMockServer gitlab) {
        return gitlab.findAll(postRequestedFor(urlPathMatching(".*/status_check_responses"))).stream()
                .map(r -> MR.matcher(r.getUrl()))
                .filter(Matcher::find)
                .map(m -> Integer.parseInt(m.group(1)))
                .collect(Collectors.toSet());
    }
}
