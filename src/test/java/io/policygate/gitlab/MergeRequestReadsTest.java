package io.policygate.gitlab;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.policygate.journal.Job;
import io.policygate.journal.JobState;
import io.policygate.testing.GitLabStubs;
import io.policygate.testing.GitLabWireMock;
import io.policygate.testing.Payloads;
import io.policygate.testing.ServiceTest;
import io.policygate.testing.Webhooks;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/**
 * Rules that need more than the payload read it from GitLab: only when an applicable rule needs it,
 * paginated, once per evaluation and cached per SHA. Uses the shipped policies/protected-paths.yaml.
 */
@QuarkusTest
@WithTestResource(GitLabWireMock.class)
class MergeRequestReadsTest extends ServiceTest {

    private static final String DIFFS = "/api/v4/projects/6/merge_requests/4/diffs";
    private static final String OTHER_SHA = "3333333333333333333333333333333333333333";

    private void diffsOnTwoPages() {
        gitlab.stubFor(get(urlPathEqualTo(DIFFS)).withQueryParam("page", equalTo("1")).willReturn(GitLabStubs.json(
                "[{\"old_path\":\"src/A.java\",\"new_path\":\"src/A.java\",\"new_file\":false,\"renamed_file\":false,"
                        + "\"deleted_file\":false,\"diff\":\"@@ -1 +1 @@\\n-a\\n+b\\n\"}]").withHeader("X-Next-Page", "2")));
        gitlab.stubFor(get(urlPathEqualTo(DIFFS)).withQueryParam("page", equalTo("2")).willReturn(GitLabStubs.json(
                "[{\"old_path\":\"deploy/prod.yaml\",\"new_path\":\"deploy/prod.yaml\",\"new_file\":false,"
                        + "\"renamed_file\":false,\"deleted_file\":false,\"diff\":\"\"}]").withHeader("X-Next-Page", "")));
    }

    @Test
    void changesAreReadOnAllPagesAndDecideTheVerdict() {
        diffsOnTwoPages();
        String id = Webhooks.accept(Payloads.with(Payloads.COMPLIANT, "/object_attributes/last_commit/id", OTHER_SHA));

        Job job = journal.awaitState(id, JobState.REPORTED);

        assertEquals("failed", job.verdict());
        assertTrue(job.verdictDetail().contains("ask the platform team for the platform-approved label"), job.verdictDetail());
        assertTrue(job.verdictDetail().contains("deploy/prod.yaml"), job.verdictDetail());
        gitlab.verify(2, getRequestedFor(urlPathEqualTo(DIFFS)).withHeader("PRIVATE-TOKEN", equalTo("test-gitlab-token")));
        gitlab.verify(1, getRequestedFor(urlPathEqualTo(DIFFS)).withQueryParam("per_page", equalTo("100"))
                .withQueryParam("page", equalTo("2")));

        // GitLab's Retry for the same SHA evaluates again, from the cache.
        String again = Webhooks.accept(Payloads.with(Payloads.COMPLIANT, "/object_attributes/last_commit/id", OTHER_SHA));
        assertEquals("failed", journal.awaitState(again, JobState.REPORTED).verdict());
        gitlab.verify(2, getRequestedFor(urlPathEqualTo(DIFFS)));
    }

    @Test
    void nothingIsReadWhenNoApplicableRuleNeedsIt() {
        String body = Payloads.raw(Payloads.COMPLIANT).replace("\"title\": \"compliance-reviewed\"",
                "\"title\": \"compliance-reviewed\"}, {\"title\": \"platform-approved\"");
        String id = Webhooks.accept(body);

        assertEquals("passed", journal.awaitState(id, JobState.REPORTED).verdict());
        gitlab.verify(0, getRequestedFor(urlPathEqualTo(DIFFS)));
    }

    @Test
    void unreadableChangesFailClosedWithTheReason() {
        gitlab.stubFor(get(urlPathEqualTo(DIFFS)).willReturn(aResponse().withStatus(503)));
        String id = Webhooks.accept(Payloads.with(Payloads.COMPLIANT, "/object_attributes/last_commit/id",
                "4444444444444444444444444444444444444444"));

        Job job = journal.awaitState(id, JobState.REPORTED);

        assertEquals("failed", job.verdict());
        assertTrue(job.verdictDetail().contains("\"outcome\":\"error\""), job.verdictDetail());
        assertTrue(job.verdictDetail().contains("GitLab answered 503 to the changes read (3 attempts)"), job.verdictDetail());
        gitlab.verify(3, getRequestedFor(urlPathEqualTo(DIFFS)));
    }
}
