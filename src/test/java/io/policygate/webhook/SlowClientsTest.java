package io.policygate.webhook;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.policygate.journal.JobState;
import io.policygate.testing.ConfigOverrides;
import io.policygate.testing.FakeGitLab;
import io.policygate.testing.GitLabWireMock;
import io.policygate.testing.Payloads;
import io.policygate.testing.ServiceTest;
import io.policygate.testing.Webhooks;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A webhook counts as being answered (and holds evaluation back, WebhooksInProgress) only once its body is read and
 * its signature accepted: a client that trickles its body, signed or not, holds no verdict back. Here the worker's
 * poll interval is long (4 s) and the body's minimum rate is 1 byte a second, so that the trickling client stays
 * connected throughout: if it held claims back, every job would wait that long.
 */
@QuarkusTest
@TestProfile(SlowClientsTest.LongPolls.class)
@WithTestResource(GitLabWireMock.class)
class SlowClientsTest extends ServiceTest {

    private static final Duration POLL = Duration.ofSeconds(4);
    private static final int WEBHOOKS = 30;

    public static class LongPolls extends ConfigOverrides {
        public LongPolls() {
            super(
                    "policy-gate.worker.poll-interval", POLL.toMillis() + "ms",
                    "policy-gate.webhook.min-body-rate", "1",
                    "policy-gate.webhook.body-timeout", "5m");
        }
    }

    @TestHTTPResource("/webhooks/gitlab")
    URL webhooks;

    @Test
    void aBodyStillArrivingHoldsNoVerdictBackAndIsNotInProgress() throws Exception {
        Duration without = reportAll(8000);
        Duration with;
        try (Trickling slow = new Trickling(webhooks, merge(8601))) {
            assertTrue(metric("policy_gate_webhooks_in_progress").equals("0.0"), "a trickling body is not in progress");
            with = reportAll(8100);
            assertTrue(slow.unanswered(), "the trickling webhook was still being sent");
            assertEquals(202, slow.finish(), "and is accepted once it is whole");
        }
        System.out.printf(
                "%d webhooks reported in %d ms alone, %d ms beside one trickling a byte every 250 ms%n",
                WEBHOOKS, without.toMillis(), with.toMillis());
        // Held back, each claim would wait a poll interval: 30 of them, two minutes.
        assertTrue(
                with.compareTo(without.plus(POLL)) < 0,
                "reported in " + with.toMillis() + " ms beside a slow client, " + without.toMillis() + " ms alone");
    }

    /** Sends {@link #WEBHOOKS} webhooks for merge requests from {@code firstIid}; the time until all are reported. */
    private Duration reportAll(int firstIid) {
        long started = System.nanoTime();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < WEBHOOKS; i++) {
            ids.add(Webhooks.accept(merge(firstIid + i)));
        }
        ids.forEach(id -> journal.awaitState(id, JobState.REPORTED));
        return Duration.ofNanos(System.nanoTime() - started);
    }

    private static String metric(String name) {
        return given().get("/q/metrics")
                .asString()
                .lines()
                .filter(line -> line.startsWith(name + " "))
                .map(line -> line.substring(name.length() + 1))
                .findFirst()
                .orElseThrow();
    }

    private static String merge(int iid) {
        return Payloads.forMergeRequest(Payloads.SAMPLE, iid, Payloads.sha(iid));
    }

    /**
     * A signed webhook sent over a socket of its own: half its body at once, then a byte every 250 ms (from a thread
     * of its own) until {@link #finish} sends the rest.
     */
    private static final class Trickling implements AutoCloseable {

        private final Socket socket;
        private final byte[] body;
        private final Thread trickle;
        private volatile int sent;

        Trickling(URL url, String json) throws IOException {
            FakeGitLab.SHARED.sent(json);
            body = json.getBytes(StandardCharsets.UTF_8);
            socket = new Socket(url.getHost(), url.getPort());
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + url.getPath() + " HTTP/1.1\r\nHost: " + url.getHost() + "\r\n"
                            + "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n"
                            + "X-Gitlab-Signature: " + Webhooks.sign(Webhooks.SECRET, body) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            sent = body.length / 2;
            out.write(body, 0, sent);
            out.flush();
            trickle = new Thread(() -> {
                try {
                    while (sent < body.length - 1) {
                        Thread.sleep(250);
                        synchronized (out) {
                            out.write(body[sent++]);
                            out.flush();
                        }
                    }
                } catch (InterruptedException | IOException stopped) {
                    // finish() sends the rest
                }
            });
            trickle.start();
        }

        /** Whether no byte of an answer has arrived. */
        boolean unanswered() throws IOException {
            return socket.getInputStream().available() == 0;
        }

        /** Sends the rest of the body; the answer's status. */
        int finish() throws IOException, InterruptedException {
            trickle.interrupt();
            trickle.join();
            OutputStream out = socket.getOutputStream();
            synchronized (out) {
                out.write(body, sent, body.length - sent);
                out.flush();
            }
            String status = new BufferedReader(
                            new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
            return Integer.parseInt(status.split(" ")[1]);
        }

        @Override
        public void close() throws IOException, InterruptedException {
            trickle.interrupt();
            trickle.join();
            socket.close();
        }
    }
}
