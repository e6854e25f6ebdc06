package io.policygate.journal;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.agroal.api.AgroalDataSource;
import io.policygate.testing.FaultyDisk;
import io.policygate.testing.OnFaultyDisk;
import io.policygate.testing.Payloads;
import io.policygate.testing.ServiceTest;
import io.policygate.testing.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Health tells the truth about the journal. A pool's H2 connections stay "valid" after the store under them was
 * closed (H2 closes it after an error of its own, such as an OutOfMemoryError): every webhook got 503 from then on
 * while /q/health said UP, so nothing restarted the pod. Here the store is closed under the running service, and
 * its disk fills up: readiness says DOWN at once, liveness once it lasts (two seconds in this profile), and both
 * come back, with webhooks taken again, once the store can be written.
 */
@QuarkusTest
@TestProfile(OnFaultyDisk.class)
class JournalHealthTest extends ServiceTest {

    @Inject
    @JournalDataSource.Journal
    AgroalDataSource journalPool;

    @AfterEach
    void freeTheDisk() {
        FaultyDisk.free();
    }

    @Test
    void aStoreClosedUnderTheServiceIsDownAtOnceAndOpenedAgain() throws Exception {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> ready(200));
        String before = Webhooks.accept(merge(9501));
        journal.awaitState(before, JobState.REPORTED);
        // Its merge request note written too: work cut off by the journal waits for its lease to expire.
        journal.awaitIdle();

        // Readiness probes the journal at most once a second (the endpoint is public): the next call must probe.
        Thread.sleep(1_100);
        // As in a service that has been busy: the pool holds idle connections, all bound to the store that closes.
        List<Connection> pooled = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            pooled.add(journalPool.getConnection());
        }
        for (Connection c : pooled) {
            c.close();
        }
        try (Connection c = journalPool.getConnection()) {
            ((SessionLocal) c.unwrap(JdbcConnection.class).getSession())
                    .getDatabase()
                    .getStore()
                    .getMvStore()
                    .closeImmediately();
        }

        ready(503).body("checks.find { it.name == 'journal' }.status", equalTo("DOWN"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> ready(200));
        live(200);
        String after = Webhooks.accept(merge(9502));
        journal.awaitState(after, JobState.REPORTED);
        journal.awaitState(before, JobState.REPORTED);
    }

    @Test
    void aFullDiskIsNotReadyAtOnceNotLiveWhenItLastsAndBothComeBack() {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> ready(200));
        live(200);
        String before = Webhooks.accept(merge(9503));
        journal.awaitState(before, JobState.REPORTED);
        journal.awaitIdle();

        FaultyDisk.fill();
        Webhooks.sendSigned(merge(9504))
                .statusCode(503)
                .body("type", equalTo("urn:policy-gate:problem:journal-unavailable"));
        ready(503).body("checks.name", hasItem("journal"));
        live(200);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> live(503));

        FaultyDisk.free();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> ready(200));
        live(200);
        String after = Webhooks.accept(merge(9505));
        journal.awaitState(after, JobState.REPORTED);
        journal.awaitState(before, JobState.REPORTED);
        // What a worker had claimed while the disk was full is taken up again once its lease expires.
        journal.awaitIdle();
    }

    @Test
    void readinessAskedInALoopWritesTheJournalAtMostOnceASecond() {
        java.util.Set<String> writes = new java.util.HashSet<>();
        long started = System.nanoTime();
        for (int i = 0; i < 40; i++) {
            ready(200);
            writes.add(journal.probeWrittenAt());
        }
        long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
        // /q/health/ready is public: forty calls must not force the journal's file to disk forty times.
        org.junit.jupiter.api.Assertions.assertTrue(
                writes.size() <= seconds + 2, writes.size() + " probe writes in " + seconds + " s of 40 calls");
    }

    private static io.restassured.response.ValidatableResponse ready(int status) {
        return given().get("/q/health/ready").then().statusCode(status);
    }

    private static io.restassured.response.ValidatableResponse live(int status) {
        return given().get("/q/health/live").then().statusCode(status);
    }

    private static String merge(int iid) {
        return Payloads.forMergeRequest(Payloads.SAMPLE, iid, Payloads.sha(iid));
    }
}
