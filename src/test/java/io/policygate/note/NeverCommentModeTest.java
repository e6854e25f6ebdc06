package io.policygate.note;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.policygate.journal.EvaluationRecords;
import io.policygate.journal.JobState;
import io.policygate.testing.ConfigOverrides;
import io.policygate.testing.GitLabStubs;
import io.policygate.testing.GitLabWireMock;
import io.policygate.testing.Payloads;
import io.policygate.testing.ServiceTest;
import io.policygate.testing.Webhooks;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/** policy-gate.report.comment=never: a failed verdict is reported and nothing touches the notes. */
@QuarkusTest
@TestProfile(NeverCommentModeTest.Profile.class)
@WithTestResource(GitLabWireMock.class)
class NeverCommentModeTest extends ServiceTest {

    public static class Profile extends ConfigOverrides {
        public Profile() {
            super("policy-gate.report.comment", "never");
        }
    }

    @Inject
    EvaluationRecords records;

    @Test
    void aFailedVerdictWritesNoNote() {
        String id = Webhooks.accept(Payloads.forMergeRequest(Payloads.SAMPLE, 7201, Payloads.sha(7201)));
        journal.awaitState(id, JobState.REPORTED);

        gitlab.verify(
                1, postRequestedFor(urlPathEqualTo("/api/v4/projects/6/merge_requests/7201/status_check_responses")));
        gitlab.verify(0, anyRequestedFor(urlPathMatching(GitLabStubs.NOTES_PATH + ".*")));
        assertEquals(0, journal.dueNoteCount());
        assertNull(records.evaluation(id).orElseThrow().noteResult());
    }
}
