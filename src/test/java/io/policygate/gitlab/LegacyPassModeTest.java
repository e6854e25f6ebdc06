package io.policygate.gitlab;

import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.policygate.journal.Job;
import io.policygate.journal.JobState;
import io.policygate.testing.GitLabStubs;
import io.policygate.testing.GitLabWireMock;
import io.policygate.testing.InjectGitLab;
import io.policygate.testing.Journal;
import io.policygate.testing.Payloads;
import io.policygate.testing.ReportedWithoutPost;
import io.policygate.testing.Webhooks;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** status-mode legacy-pass: GitLab 14.9–14.x took status "pass" and had no failed status. */
@QuarkusTest
@TestProfile(LegacyPassModeTest.Profile.class)
@WithTestResource(GitLabWireMock.class)
class LegacyPassModeTest {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("policy-gate.gitlab.status-mode", "legacy-pass");
        }
    }

    @InjectGitLab
    WireMockServer gitlab;
    @Inject
    Journal journal;

    @BeforeEach
    void cleanGitLab() {
        GitLabStubs.reset(gitlab, journal);
    }

    @Test
    void passIsPostedAsPass() {
        journal.awaitState(Webhooks.accept(Payloads.raw(Payloads.COMPLIANT)), JobState.REPORTED);
        gitlab.verify(1, postRequestedFor(urlPathEqualTo(GitLabStubs.STATUS_PATH)).withRequestBody(equalToJson(
                "{\"sha\":\"" + Payloads.SAMPLE_SHA + "\",\"external_status_check_id\":1,\"status\":\"pass\"}")));
    }

    @Test
    void failureIsNotPostedButRecorded() {
        Job job = ReportedWithoutPost.send(Payloads.raw(Payloads.SAMPLE), gitlab, journal);
        assertTrue(job.lastError().contains("legacy-pass"), job.lastError());
    }
}
