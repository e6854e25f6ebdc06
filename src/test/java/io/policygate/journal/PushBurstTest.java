package io.policygate.journal;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.policygate.testing.GitLabStubs;
import io.policygate.testing.GitLabWireMock;
import io.policygate.testing.Payloads;
import io.policygate.testing.ServiceTest;
import io.policygate.testing.Webhooks;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** 20 pushes to one merge request within a second: the newest SHA is reported, the others superseded. */
@QuarkusTest
@WithTestResource(GitLabWireMock.class)
class PushBurstTest extends ServiceTest {

    @Test
    void onlyTheNewestShaIsReported() {
        // The 20 pushes land within a second, so by the time we report, GitLab's HEAD is the newest SHA and
        // it answers 409 to any other (ee/lib/api/status_checks.rb).
        String newest = HexFormat.of().toHexDigits(20).repeat(5);
        gitlab.stubFor(GitLabStubs.statusResponses()
                .willReturn(aResponse()
                        .withStatus(409)
                        .withBody("{\"message\":\"SHA does not match HEAD of source branch: " + newest + "\"}")));
        gitlab.stubFor(GitLabStubs.statusResponses()
                .withRequestBody(containing(newest))
                .willReturn(aResponse().withStatus(201).withBody("{}")));
        List<String> shas = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int push = 1; push <= 20; push++) {
            String sha = HexFormat.of().toHexDigits(push).repeat(5);
            shas.add(sha);
            ids.add(Webhooks.accept(Payloads.with(Payloads.COMPLIANT, "/object_attributes/last_commit/id", sha)));
        }

        journal.awaitState(ids.get(19), JobState.REPORTED);
        await().atMost(Duration.ofSeconds(10)).until(() -> journal.unfinishedCount() == 0);

        for (int i = 0; i < 19; i++) {
            assertEquals(JobState.SUPERSEDED, journal.job(ids.get(i)).state(), shas.get(i));
        }
        assertEquals(newest, shas.get(19));
        gitlab.verify(
                1, postRequestedFor(urlPathEqualTo(GitLabStubs.STATUS_PATH)).withRequestBody(containing(newest)));
        long byWebhook = ids.subList(0, 19).stream()
                .filter(id -> journal.attemptsOf(id).isEmpty())
                .count();
        System.out.printf(
                "push burst: 20 SHAs, newest reported once; 19 older superseded (%d by a newer webhook before"
                        + " any report, %d by GitLab's 409)%n",
                byWebhook, 19 - byWebhook);
    }
}
