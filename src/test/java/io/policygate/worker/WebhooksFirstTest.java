package io.policygate.worker;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
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
import org.junit.jupiter.api.Test;

/**
 * Intake before evaluation: the worker claims a job at a moment when no webhook is being answered, and waits at
 * most a poll interval for one. A webhook whose body is still arriving holds the claims back; its end lets them
 * go at once; one that never ends holds them back no longer than the poll interval.
 */
@QuarkusTest
@TestProfile(WebhooksFirstTest.LongPolls.class)
@WithTestResource(GitLabWireMock.class)
class WebhooksFirstTest extends ServiceTest {

    private static final Duration POLL = Duration.ofSeconds(4);

    public static class LongPolls extends ConfigOverrides {
        public LongPolls() {
            super("policy-gate.worker.poll-interval", POLL.toMillis() + "ms");
        }
    }

    @TestHTTPResource("/webhooks/gitlab")
    URL webhooks;

    @Test
    void aJobWaitsWhileAWebhookIsBeingAnsweredAndGoesOnWhenItIs() throws Exception {
        try (WebhookInProgress slow = new WebhookInProgress(webhooks, merge(8601))) {
            awaitWebhooksInProgress(1);
            String waiting = Webhooks.accept(merge(8602));

            Thread.sleep(POLL.toMillis() / 4);
            assertEquals(JobState.QUEUED, journal.job(waiting).state(), "claimed while a webhook was in progress");

            long answered = System.nanoTime();
            assertEquals(202, slow.finish());
            journal.awaitState(waiting, JobState.REPORTED);
            Duration after = Duration.ofNanos(System.nanoTime() - answered);
            assertTrue(after.compareTo(POLL.dividedBy(2)) < 0, "reported " + after + " after the webhook's answer");
        }
    }

    @Test
    void aWebhookThatNeverEndsHoldsClaimsBackNoLongerThanAPollInterval() throws Exception {
        try (WebhookInProgress stuck = new WebhookInProgress(webhooks, merge(8603))) {
            awaitWebhooksInProgress(1);
            long accepted = System.nanoTime();
            String waiting = Webhooks.accept(merge(8604));

            journal.awaitState(waiting, JobState.REPORTED);
            Duration after = Duration.ofNanos(System.nanoTime() - accepted);
            assertTrue(stuck.unanswered(), "the first webhook was still being sent");
            // One poll interval of waiting, then the step: well under two.
            assertTrue(after.compareTo(POLL.multipliedBy(2)) < 0, "reported " + after + " after it was accepted");
            assertEquals(202, stuck.finish());
        }
    }

    /** What an operator scrapes: the half-sent webhook is being answered, not waiting to be. */
    private static void awaitWebhooksInProgress(int count) {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> given().get("/q/metrics")
                        .asString()
                        .contains("policy_gate_webhooks_in_progress " + count + ".0"));
    }

    private static String merge(int iid) {
        return Payloads.forMergeRequest(Payloads.SAMPLE, iid, Payloads.sha(iid));
    }

    /** A signed webhook sent over a socket of its own, its body stopped halfway until {@link #finish}. */
    private static final class WebhookInProgress implements AutoCloseable {

        private final Socket socket;
        private final byte[] body;
        private final int half;

        WebhookInProgress(URL url, String json) throws IOException {
            FakeGitLab.SHARED.sent(json);
            body = json.getBytes(StandardCharsets.UTF_8);
            half = body.length / 2;
            socket = new Socket(url.getHost(), url.getPort());
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + url.getPath() + " HTTP/1.1\r\nHost: " + url.getHost() + "\r\n"
                            + "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n"
                            + "X-Gitlab-Signature: " + Webhooks.sign(Webhooks.SECRET, body) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body, 0, half);
            out.flush();
        }

        /** Whether no byte of an answer has arrived. */
        boolean unanswered() throws IOException {
            return socket.getInputStream().available() == 0;
        }

        /** Sends the rest of the body; the answer's status. */
        int finish() throws IOException {
            OutputStream out = socket.getOutputStream();
            out.write(body, half, body.length - half);
            out.flush();
            String status = new BufferedReader(
                            new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
            return Integer.parseInt(status.split(" ")[1]);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
