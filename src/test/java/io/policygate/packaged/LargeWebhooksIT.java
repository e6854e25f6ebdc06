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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GitLab encodes status-check bodies up to 25 MB. A few of those at once, among a steady stream of small webhooks,
 * must neither fill the heap nor hold up the small ones: the packaged jar with a 128 MiB heap takes them all. Read
 * whole, four 24 MB bodies would need more than that heap (the bytes, their text, their JSON tree).
 */
class LargeWebhooksIT {

    private static final int LARGE = 4;
    private static final int SMALL = 200;
    /** GitLab's description change history ({@code changes.description}) is what makes a body that large. */
    private static final int HALF_OF_LARGE = 12_000_000;

    private static final Pattern MR = Pattern.compile("/merge_requests/(\\d+)/status_check_responses");
    /** -Xlog:gc: "… Pause Young (Normal) (G1 Evacuation Pause) 61M->20M(128M) 4.1ms" */
    private static final Pattern GC = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");

    @TempDir
    Path work;

    @Test
    void fourBodiesOf24MegabytesAmongSmallOnesKeepTheHeapBoundedAndEveryOneIsReported() throws Exception {
        FakeGitLab.SHARED.reset();
        WireMockServer gitlab = new WireMockServer(FakeGitLab.options().dynamicPort());
        gitlab.start();
        Path gcLog = work.resolve("gc.log");
        try (ServiceProcess service = ServiceProcess.start(
                work,
                "large",
                List.of("-Xmx128m", "-Xlog:gc:file=" + gcLog),
                ServiceProcess.reportingTo(gitlab.baseUrl()))) {
            GitLabStubs.acceptAll(gitlab);
            service.awaitReady(System.nanoTime());
            long liveBefore = service.liveHeap();

            ExecutorService senders = Executors.newFixedThreadPool(LARGE);
            List<Future<Integer>> large = new ArrayList<>();
            for (int i = 1; i <= LARGE; i++) {
                String body = large(1000 + i);
                large.add(senders.submit(() -> service.sendSigned(body).statusCode()));
            }
            List<Integer> small = new ArrayList<>();
            for (int iid = 1; iid <= SMALL; iid++) {
                small.add(service.sendSigned(Payloads.forMergeRequest(Payloads.COMPLIANT, iid, Payloads.sha(iid)))
                        .statusCode());
                Thread.sleep(10);
            }
            for (Future<Integer> answer : large) {
                assertEquals(202, answer.get());
            }
            senders.shutdown();
            assertEquals(Set.of(202), Set.copyOf(small));

            await().atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> reportedMergeRequests(gitlab).size() == SMALL + LARGE);
            long liveAfter = service.liveHeap();
            String log = service.log();
            assertFalse(log.contains("OutOfMemoryError"), log);

            List<long[]> collections = Files.readAllLines(gcLog).stream()
                    .map(GC::matcher)
                    .filter(Matcher::find)
                    .map(m -> new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))})
                    .toList();
            long peakBefore = collections.stream().mapToLong(c -> c[0]).max().orElseThrow();
            long peakAfter = collections.stream().mapToLong(c -> c[1]).max().orElseThrow();
            // What outlives a collection while the bodies stream through: a few buffers each, not the bodies.
            assertTrue(peakAfter < 64, "heap after a collection reached " + peakAfter + " MiB");
            assertTrue(
                    liveAfter < liveBefore + (16L << 20),
                    "live heap " + (liveBefore >> 20) + " MiB before, " + (liveAfter >> 20) + " MiB after");
            System.out.printf(
                    "%d bodies of %d MB among %d small webhooks, -Xmx128m: all 202 and reported; heap at"
                            + " most %d MiB before a collection, %d MiB after one (%d collections); live heap %d MiB before,"
                            + " %d MiB after%n",
                    LARGE,
                    2 * HALF_OF_LARGE / 1_000_000,
                    SMALL,
                    peakBefore,
                    peakAfter,
                    collections.size(),
                    liveBefore >> 20,
                    liveAfter >> 20);
            StubbedServers.assertNoUnexpectedRequest(gitlab);
            assertTrue(service.terminate(30));
        } finally {
            gitlab.stop();
        }
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
