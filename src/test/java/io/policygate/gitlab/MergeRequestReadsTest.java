package io.policygate.gitlab;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import io.policygate.journal.Job;
import io.policygate.journal.JobState;
import io.policygate.testing.FakeGitLab;
import io.policygate.testing.GitLabStubs;
import io.policygate.testing.GitLabWireMock;
import io.policygate.testing.Payloads;
import io.policygate.testing.ServiceTest;
import io.policygate.testing.Webhooks;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Rules that need more than the merge request read the changes of the job's own commit from GitLab, only when an
 * applicable rule needs them, once per evaluation and cached per SHA: in one call compared from the merge base of the
 * diff GitLab made for that SHA, or from that diff version when GitLab's latest is of another commit or it cuts the
 * comparison short. Without them, nothing is decided: the job waits and tries again. Uses the shipped
 * policies/protected-paths.yaml.
 */
@QuarkusTest
@WithTestResource(GitLabWireMock.class)
class MergeRequestReadsTest extends ServiceTest {

    private static final String MR = "/api/v4/projects/6/merge_requests/4";
    private static final String VERSIONS = MR + "/versions";
    private static final String COMPARE = "/api/v4/projects/6/repository/compare";
    /** The merge base FakeGitLab gives merge request 6!4. */
    private static final String BASE = String.format("%040x", 6 * 100_000 + 4);

    private static final String OTHER_SHA = "3333333333333333333333333333333333333333";

    private static Map<String, Object> changed(String path) {
        return Map.of(
                "old_path",
                path,
                "new_path",
                path,
                "new_file",
                false,
                "renamed_file",
                false,
                "deleted_file",
                false,
                "diff",
                "@@ -1 +1 @@\n-a\n+b\n");
    }

    @Test
    void theChangesOfTheJobsCommitDecideTheVerdict() {
        String body = Payloads.with(Payloads.COMPLIANT, "/object_attributes/last_commit/id", OTHER_SHA);
        FakeGitLab.SHARED.sent(body);
        FakeGitLab.SHARED.changes(6, 4, OTHER_SHA, List.of(changed("src/A.java"), changed("deploy/prod.yaml")));

        Job job = journal.awaitState(Webhooks.accept(body), JobState.REPORTED);

        assertEquals("failed", job.verdict());
        assertTrue(
                job.verdictDetail().contains("ask the platform team for the platform-approved label"),
                job.verdictDetail());
        assertTrue(job.verdictDetail().contains("deploy/prod.yaml"), job.verdictDetail());
        gitlab.verify(
                1,
                getRequestedFor(urlPathEqualTo(COMPARE))
                        .withHeader("PRIVATE-TOKEN", equalTo("test-gitlab-token"))
                        .withQueryParam("from", equalTo(BASE))
                        .withQueryParam("to", equalTo(OTHER_SHA)));
        // One call: no diff versions, never the merge request's latest changes, whatever commit they are of.
        gitlab.verify(0, getRequestedFor(urlPathMatching(VERSIONS + ".*")));
        gitlab.verify(0, anyRequestedFor(urlPathMatching(MR + "/(diffs|changes|commits)")));

        // GitLab's Retry for the same SHA evaluates again: the merge request afresh, the commit's changes from the
        // cache.
        String again = Webhooks.accept(body);
        assertEquals("failed", journal.awaitState(again, JobState.REPORTED).verdict());
        gitlab.verify(2, getRequestedFor(urlPathEqualTo(MR)));
        gitlab.verify(1, getRequestedFor(urlPathEqualTo(COMPARE)));
    }

    /** A push of {@code sha} to merge request 6!4 changing deploy/prod.yaml, which GitLab now holds: its webhook. */
    private static String pushChangingProductionManifests(String sha) {
        String body = Payloads.with(Payloads.COMPLIANT, "/object_attributes/last_commit/id", sha);
        FakeGitLab.SHARED.sent(body);
        FakeGitLab.SHARED.changes(6, 4, sha, List.of(changed("deploy/prod.yaml")));
        return body;
    }

    /** The webhook's verdict fails on the change to deploy/prod.yaml: the changes were read whole. */
    private void failsOnTheProductionManifests(String body) {
        Job job = journal.awaitState(Webhooks.accept(body), JobState.REPORTED);
        assertEquals("failed", job.verdict());
        assertTrue(job.verdictDetail().contains("deploy/prod.yaml"), job.verdictDetail());
    }

    @Test
    void whenGitLabsLatestDiffIsOfAnotherCommitTheCommitsOwnVersionIsRead() {
        String body = pushChangingProductionManifests(Payloads.sha(4404));
        FakeGitLab.SHARED.withoutDiffRefs(6, 4);

        failsOnTheProductionManifests(body);

        gitlab.verify(0, getRequestedFor(urlPathEqualTo(COMPARE)));
        gitlab.verify(1, getRequestedFor(urlPathEqualTo(VERSIONS)).withQueryParam("per_page", equalTo("100")));
        gitlab.verify(1, getRequestedFor(urlPathMatching(VERSIONS + "/\\d+")));
    }

    @Test
    void aComparisonGitLabCutShortIsNotTakenForAllTheChanges() {
        String sha = Payloads.sha(4402);
        String body = pushChangingProductionManifests(sha);
        FakeGitLab.SHARED.cutShort(sha);

        failsOnTheProductionManifests(body);

        gitlab.verify(1, getRequestedFor(urlPathEqualTo(COMPARE)));
        gitlab.verify(1, getRequestedFor(urlPathMatching(VERSIONS + "/\\d+")));
    }

    @Test
    void aComparisonThatEndsAtAnotherCommitDecidesNothing() {
        String sha = Payloads.sha(4403);
        String body = Payloads.with(Payloads.COMPLIANT, "/object_attributes/last_commit/id", sha);
        FakeGitLab.SHARED.sent(body);
        StubMapping elsewhere = gitlab.stubFor(get(urlPathEqualTo(COMPARE))
                .willReturn(GitLabStubs.json("{\"commit\":{\"id\":\"" + OTHER_SHA + "\"},\"commits\":[],"
                        + "\"diffs\":[],\"compare_timeout\":false}")));
        String id = Webhooks.accept(body);

        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .until(() -> journal.job(id).attempts() >= 1);
        assertTrue(
                journal.job(id).lastError().contains("ends at " + OTHER_SHA + ", not " + sha),
                journal.job(id).lastError());
        gitlab.verify(0, postRequestedFor(urlPathEqualTo(GitLabStubs.STATUS_PATH)));

        gitlab.removeStub(elsewhere);
        assertEquals("passed", journal.awaitState(id, JobState.REPORTED).verdict());
    }

    @Test
    void aDiffTooLargeToJudgeFailsTheRuleAtOnceWithEvidenceSayingSo() {
        // The test profile reads at most 2 MB per GitLab answer; this version holds a 3 MB diff of a file no
        // policy protects, which would pass if policy-gate read it.
        String sha = Payloads.sha(4401);
        String body = Payloads.with(Payloads.COMPLIANT, "/object_attributes/last_commit/id", sha);
        FakeGitLab.SHARED.sent(body);
        Map<String, Object> huge = new java.util.HashMap<>(changed("src/Generated.java"));
        huge.put("diff", "@@ -1 +1 @@\n+" + "x".repeat(3 << 20) + "\n");
        FakeGitLab.SHARED.changes(6, 4, sha, List.of(huge));

        Job job = journal.awaitState(Webhooks.accept(body), JobState.REPORTED);

        assertEquals("failed", job.verdict());
        assertTrue(
                job.verdictDetail()
                        .contains("GitLab's comparison answer is more than policy-gate reads"
                                + " (policy-gate.gitlab.max-answer-size, 2097152 bytes): too large to judge"),
                job.verdictDetail());
        // Failed closed at the first evaluation (unreadable changes would keep the job waiting, never reported).
        gitlab.verify(1, getRequestedFor(urlPathEqualTo(COMPARE)));
    }

    @Test
    void theChangesKeptForVerdictsStayWithinTheirBoundHoweverManyMergeRequestsAreJudged() {
        // 20 merge requests with a 1,000,000-character diff each: 20 million characters read, more than the
        // 16 Mi (16,777,216) characters the cache may keep; each version is under the 2 MB answer limit.
        for (int i = 0; i < 20; i++) {
            int iid = 4500 + i;
            String sha = Payloads.sha(iid);
            String body = Payloads.forMergeRequest(Payloads.COMPLIANT, iid, sha);
            FakeGitLab.SHARED.sent(body);
            Map<String, Object> big = new java.util.HashMap<>(changed("src/Big" + i + ".java"));
            big.put("diff", "@@ -1 +1 @@\n+" + "y".repeat(1_000_000) + "\n");
            FakeGitLab.SHARED.changes(6, iid, sha, List.of(big));
            journal.awaitState(Webhooks.accept(body), JobState.REPORTED);
        }

        String metrics =
                given().get("/q/metrics").then().statusCode(200).extract().asString();
        java.util.regex.Matcher cached = java.util.regex.Pattern.compile(
                        "policy_gate_gitlab_cached_characters\\{cache=\"verdicts\"[^}]*} (\\S+)")
                .matcher(metrics);
        assertTrue(cached.find(), metrics);
        double characters = Double.parseDouble(cached.group(1));
        assertTrue(characters <= 16_777_216, "the cache holds " + characters + " characters");
        assertTrue(characters >= 10_000_000, "the cache is used: " + characters);
    }

    @Test
    void theVersionOfTheCommitIsLookedForOnEveryPage() {
        String sha = "6666666666666666666666666666666666666666";
        String body = Payloads.with(Payloads.COMPLIANT, "/object_attributes/last_commit/id", sha);
        FakeGitLab.SHARED.sent(body);
        FakeGitLab.SHARED.changes(6, 4, sha, List.of(changed("deploy/prod.yaml")));
        FakeGitLab.SHARED.withoutDiffRefs(6, 4);
        // Newer versions (of other commits) fill the first page; the commit's own is on the second.
        gitlab.stubFor(get(urlPathEqualTo(VERSIONS))
                .withQueryParam("page", equalTo("1"))
                .willReturn(GitLabStubs.json("[{\"id\":9002,\"head_commit_sha\":\"" + Payloads.sha(9002)
                                + "\"},{\"id\":9001,\"head_commit_sha\":\"" + Payloads.sha(9001) + "\"}]")
                        .withHeader("X-Next-Page", "2")));
        gitlab.stubFor(get(urlPathEqualTo(VERSIONS))
                .withQueryParam("page", equalTo("2"))
                .willReturn(aResponse().withTransformers(FakeGitLab.ANSWERS)));

        assertEquals(
                "failed",
                journal.awaitState(Webhooks.accept(body), JobState.REPORTED).verdict());
        gitlab.verify(2, getRequestedFor(urlPathEqualTo(VERSIONS)));
    }

    @Test
    void nothingIsReadWhenNoApplicableRuleNeedsIt() {
        String body = Payloads.raw(Payloads.COMPLIANT)
                .replace(
                        "\"title\": \"compliance-reviewed\"",
                        "\"title\": \"compliance-reviewed\"}, {\"title\": \"platform-approved\"");
        String id = Webhooks.accept(body);

        assertEquals("passed", journal.awaitState(id, JobState.REPORTED).verdict());
        gitlab.verify(0, getRequestedFor(urlPathMatching(VERSIONS + ".*")));
        gitlab.verify(0, getRequestedFor(urlPathEqualTo(COMPARE)));
    }

    @Test
    void unreadableChangesDecideNothingTheJobWaitsUntilGitLabGivesThem() {
        String sha = "4444444444444444444444444444444444444444";
        StubMapping down = gitlab.stubFor(
                get(urlPathEqualTo(COMPARE)).willReturn(aResponse().withStatus(503)));
        String id = Webhooks.accept(Payloads.with(Payloads.COMPLIANT, "/object_attributes/last_commit/id", sha));

        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .until(() -> journal.job(id).attempts() >= 1);
        Job waiting = journal.job(id);
        assertEquals(JobState.REPORTING, waiting.state());
        assertTrue(
                waiting.lastError().contains("GitLab answered 503 to the comparison read (3 attempts)"),
                waiting.lastError());
        gitlab.verify(0, postRequestedFor(urlPathEqualTo(GitLabStubs.STATUS_PATH)));

        gitlab.removeStub(down);
        Job reported = journal.awaitState(id, JobState.REPORTED);
        assertEquals("passed", reported.verdict());
        gitlab.verify(1, postRequestedFor(urlPathEqualTo(GitLabStubs.STATUS_PATH)));
        assertEquals("transient", journal.attemptsOf(id).get(0).outcome());
    }

    @Test
    void aCommitGitLabHasNoDiffVersionForYetWaitsForIt() {
        String sha = "5555555555555555555555555555555555555555";
        // GitLab makes the diff version of a push in the background: for a moment the merge request's diff_refs are
        // of an older one, and the list of versions lacks it.
        StubMapping notYet = gitlab.stubFor(get(urlPathEqualTo(VERSIONS))
                .willReturn(GitLabStubs.json("[{\"id\":9001,\"head_commit_sha\":\"" + Payloads.sha(9001) + "\"}]")));
        FakeGitLab.SHARED.withoutDiffRefs(6, 4);
        String id = Webhooks.accept(Payloads.with(Payloads.COMPLIANT, "/object_attributes/last_commit/id", sha));

        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .until(() -> journal.job(id).attempts() >= 1);
        assertTrue(
                journal.job(id)
                        .lastError()
                        .contains("GitLab has no diff version of the merge request for commit " + sha),
                journal.job(id).lastError());

        gitlab.removeStub(notYet);
        assertEquals("passed", journal.awaitState(id, JobState.REPORTED).verdict());
    }
}
