package io.policygate.worker;

import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.policygate.journal.JobState;
import io.policygate.testing.GitLabWireMock;
import io.policygate.testing.InjectGitLab;
import io.policygate.testing.Journal;
import io.policygate.testing.StubbedServers;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Jobs a stopped process left unfinished are picked up when the service starts again. */
@QuarkusTest
@TestProfile(RestartRecoveryTest.Profile.class)
@WithTestResource(GitLabWireMock.class)
class RestartRecoveryTest {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(LeftoverJournal.class));
        }
    }

    @InjectGitLab
    WireMockServer gitlab;

    @Inject
    Journal journal;

    @Test
    void everyLeftoverJobIsReportedForItsOwnSha() {
        journal.awaitState(LeftoverJournal.QUEUED, JobState.REPORTED);
        journal.awaitState(LeftoverJournal.EVALUATING, JobState.REPORTED);
        journal.awaitState(LeftoverJournal.REPORTING, JobState.REPORTED);

        for (String[] mr : new String[][] {
            {"11", LeftoverJournal.SHA_11}, {"12", LeftoverJournal.SHA_12}, {"13", LeftoverJournal.SHA_13}
        }) {
            gitlab.verify(
                    1,
                    postRequestedFor(urlPathEqualTo(
                                    "/api/v4/projects/6/merge_requests/" + mr[0] + "/status_check_responses"))
                            .withRequestBody(equalToJson("{\"sha\":\"" + mr[1]
                                    + "\",\"external_status_check_id\":1,\"status\":\"failed\"}")));
        }
        // The job that had a verdict waiting is evaluated again from GitLab's facts and reported: its attempts go on.
        assertEquals(2, journal.job(LeftoverJournal.REPORTING).attempts());
        StubbedServers.assertNoUnexpectedRequest(gitlab);
    }
}
