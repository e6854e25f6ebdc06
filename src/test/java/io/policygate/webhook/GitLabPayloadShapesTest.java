package io.policygate.webhook;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.policygate.journal.Job;
import io.policygate.journal.JobState;
import io.policygate.testing.GitLabStubs;
import io.policygate.testing.GitLabWireMock;
import io.policygate.testing.Payloads;
import io.policygate.testing.ServiceTest;
import io.policygate.testing.Webhooks;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every shape GitLab builds a merge request webhook in (one fixture each, src/test/resources/payloads/README.md
 * names the GitLab source it follows) is taken and judged, or ignored with the reason; none is refused as invalid.
 * The plain project webhook's shape, which needs policy-gate.gitlab.default-check-id, is WebhookToReportTest's.
 */
@QuarkusTest
@WithTestResource(GitLabWireMock.class)
class GitLabPayloadShapesTest extends ServiceTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        // GitLab's own sample: no action (a retry's shape), labels in object_attributes and at the top level
        "status-check-compliant.json, passed",
        // 14.x: labels only at the top level, work_in_progress and no draft, none of the later fields
        "status-check-open-gitlab-14.json, passed",
        // a push: action update, oldrev, system false, assignees and reviewers
        "status-check-update-push-oldrev.json, passed",
        // GitLab's own event (approvals reset on push): system true, no assignees or reviewers
        "status-check-unapproved-system-approvals-reset.json, passed",
        // Retry (ExternalStatusChecks::RetryService): neither action, oldrev nor system
        "status-check-retry-no-action.json, passed",
        // a SHA-256 repository: a 64-hex commit id, posted back exactly
        "status-check-open-sha256.json, passed",
        // description null (absolute_image_urls(nil))
        "status-check-open-null-description.json, passed",
        // the same merge request without its ticket or label
        "status-check-sample.json, failed"
    })
    void eachShapeGitLabBuildsIsJudgedAndItsHeadReported(String fixture, String verdict) {
        String body = Payloads.raw(fixture);
        JsonNode event = Payloads.json(fixture);
        String sha = event.at("/object_attributes/last_commit/id").textValue();
        String id = Webhooks.accept(body);

        Job job = journal.awaitState(id, JobState.REPORTED);

        assertEquals(verdict, job.verdict());
        assertEquals(sha, job.sha());
        gitlab.verify(
                1,
                postRequestedFor(urlPathEqualTo("/api/v4/projects/6/merge_requests/"
                                + event.at("/object_attributes/iid").asLong() + "/status_check_responses"))
                        .withRequestBody(
                                equalToJson("{\"sha\":\"" + sha + "\",\"status\":\"" + verdict + "\"}", true, true))
                        .withRequestBody(containing("\"external_status_check_id\"")));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "status-check-merged.json | merge request is merged",
                // last_commit and source null: the source branch was deleted with the merge request closed
                "merge-request-close-source-branch-deleted.json | merge request is closed",
                "push-hook.json | object_kind 'push' is not a merge request event"
            })
    void eachShapeWithNothingToJudgeIsIgnoredWithTheReason(String fixture, String reason) {
        long before = journal.jobCount();

        Webhooks.sendSigned(Payloads.raw(fixture))
                .statusCode(200)
                .body("state", equalTo("ignored"))
                .body("reason", equalTo(reason));

        assertEquals(before, journal.jobCount());
        gitlab.verify(0, postRequestedFor(urlPathEqualTo(GitLabStubs.STATUS_PATH)));
    }
}
