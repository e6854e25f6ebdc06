package io.policygate.note;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.policygate.journal.JobState;
import io.policygate.testing.ConfigOverrides;
import io.policygate.testing.GitLabWireMock;
import io.policygate.testing.Payloads;
import io.policygate.testing.ServiceTest;
import io.policygate.testing.Webhooks;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

/** policy-gate.report.comment=always: a passed verdict gets its note too. */
@QuarkusTest
@TestProfile(AlwaysCommentModeTest.Profile.class)
@WithTestResource(GitLabWireMock.class)
class AlwaysCommentModeTest extends ServiceTest {

    public static class Profile extends ConfigOverrides {
        public Profile() {
            super("policy-gate.report.comment", "always");
        }
    }

    @Test
    void aPassedVerdictCreatesANote() {
        String id = Webhooks.accept(Payloads.forMergeRequest(Payloads.COMPLIANT, 7101, Payloads.sha(7101)));
        journal.awaitState(id, JobState.REPORTED);

        assertEquals("created note 5001", journal.awaitNoteResult(id));
        String body = gitlab.findAll(postRequestedFor(urlPathEqualTo("/api/v4/projects/6/merge_requests/7101/notes")))
                .get(0)
                .getBodyAsString();
        assertTrue(body.contains(":white_check_mark: QA: passed"), body);
    }
}
