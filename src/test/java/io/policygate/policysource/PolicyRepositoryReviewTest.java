package io.policygate.policysource;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.policygate.journal.JobState;
import io.policygate.testing.FakeGitLab;
import io.policygate.testing.GitLabStubs;
import io.policygate.testing.InjectGitLab;
import io.policygate.testing.Journal;
import io.policygate.testing.Payloads;
import io.policygate.testing.PolicyRepository;
import io.policygate.testing.PolicyRepositoryGitLab;
import io.policygate.testing.StubbedServers;
import io.policygate.testing.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A merge request on the policy repository is judged as the policy change it is: its files loaded as policy-gate
 * would load them once merged, its tests run, and its impact previewed against the merge requests of the projects
 * the changed policies apply to. The verdict is posted to its status check and explained in its note.
 */
@QuarkusTest
@TestProfile(PoliciesFromARepositoryTest.FromARepository.class)
class PolicyRepositoryReviewTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String VIEWER = "Bearer test-dashboard-token";
    /** The policy repository as a GitLab project: its id and path. */
    private static final long POLICY_PROJECT = 77;
    /** The project the proposed policy applies to. */
    private static final long APP = 31;

    private static final String APP_PATH = "acme/sneaky-app";
    /** The check every payload's external_approval_rule names. */
    private static final long CHECK = 1;

    private static final String NO_SNEAKY = "name: no-sneaky\nappliesTo:\n  projects: [\"" + APP_PATH + "\"]\n"
            + "rules:\n  - type: expression\n    expr: \"!mergeRequest.title.contains('SNEAKY')\"\n"
            + "    message: No sneaky changes.\n";

    private static final String NO_SNEAKY_TESTS = """
            cases:
              - name: a sneaky title fails
                payload: ../testdata/sample.json
                set: {object_attributes.title: "PAY-1 SNEAKY", project.path_with_namespace: "acme/sneaky-app"}
                labels: [compliance-reviewed]
                changes: []
                expect:
                  verdict: failed
                  policies: {no-sneaky: failed}
              - name: a plain title passes
                payload: ../testdata/sample.json
                set: {object_attributes.title: "PAY-1 plain", project.path_with_namespace: "acme/sneaky-app"}
                labels: [compliance-reviewed]
                changes: []
                expect:
                  verdict: passed
                  policies: {no-sneaky: passed}
            """;

    @InjectGitLab
    WireMockServer gitlab;

    @Inject
    Journal journal;

    private PolicyRepository repository;

    @BeforeEach
    void aProjectJudgedUnderTheShippedPolicies() {
        repository = PolicyRepositoryGitLab.repository();
        gitlab.resetAll();
        GitLabStubs.acceptAll(gitlab);
        FakeGitLab.SHARED.reset();
        repository.restub();
        repository.push(PolicyRepository.shipped());
        await(repository.head());
        gitlab.resetRequests();
    }

    @AfterEach
    void noUnexpectedGitLabCall() {
        StubbedServers.assertNoUnexpectedRequest(gitlab);
    }

    @Test
    void aPolicyChangeWhoseTestsPassIsPreviewedAgainstTheProjectsItAppliesToAndPassesWithinItsLimit() {
        judged(APP, APP_PATH, 5, "PAY-5 plain change");
        judged(APP, APP_PATH, 6, "PAY-6 SNEAKY change");
        judged(12, "acme/elsewhere", 8, "PAY-8 SNEAKY but elsewhere");

        String proposed = repository.commit(withNoSneaky(NO_SNEAKY_TESTS));
        String id = proposeOnThePolicyRepository(3, proposed);
        journal.awaitState(id, JobState.REPORTED);

        assertEquals("passed", FakeGitLab.SHARED.status(POLICY_PROJECT, 3, CHECK, proposed));
        JsonNode verdict = verdictOf(id);
        assertEquals(
                List.of("policy files", "policy tests", "impact"),
                verdict.path("policies").findValuesAsText("policy"));
        assertEquals(
                "4 policies and 0 waivers in 4 files load as policy-gate loads them",
                verdict.at("/policies/0/rules/0/message").asText());
        assertEquals(
                "2 cases in 2 test files pass",
                verdict.at("/policies/1/rules/0/message").asText());
        // Both cases name the same payload: it is read from GitLab once.
        gitlab.verify(
                1,
                com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(
                        com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo("/api/v4/projects/"
                                + PolicyRepository.ENCODED + "/repository/files/testdata%2Fsample.json")));
        JsonNode impact = verdict.path("impact");
        assertEquals(2, impact.path("mergeRequests").asInt(), "the two of the project the new policy applies to");
        assertEquals(1, impact.path("toFailed").asInt());
        assertEquals(APP_PATH, impact.at("/flips/0/project").asText());
        assertEquals(6, impact.at("/flips/0/iid").asLong());
        assertEquals("failed", impact.at("/flips/0/candidate").asText());

        String note = noteOn(id, 3);
        assertTrue(note.contains("changes the policies"), note);
        assertTrue(note.contains("the files load and every test passes"), note);
        assertTrue(note.contains("2 merge requests: 1 would newly fail, 0 would newly pass"), note);
        assertTrue(note.contains("- **acme/sneaky-app**"), note);
        assertTrue(
                note.contains("[!6](http://example.com/" + APP_PATH + "/-/merge_requests/6) PAY-6 SNEAKY"
                        + " change: passed → failed"),
                note);
        assertTrue(
                note.contains("(https://policy-gate.example.com/preview/"
                        + impact.path("previewId").asText() + ")"),
                "the note links the preview with every rule that would change: " + note);

        String preview = page("/preview/" + impact.path("previewId").asText());
        assertTrue(preview.contains("no-sneaky"), "the preview page lists the rule that flips");
        String page = page("/evaluations/" + id);
        assertTrue(
                page.contains("href=\"/preview/" + impact.path("previewId").asText() + "\""),
                "the evaluation page links the preview");
    }

    @Test
    void aChangeThatWouldNewlyFailMoreThanItsLimitFailsAndNamesMergeRequestsNoLongerOpen() {
        judged(APP, APP_PATH, 6, "PAY-6 SNEAKY change");
        judged(APP, APP_PATH, 7, "PAY-7 SNEAKY merged last week");
        FakeGitLab.SHARED.merge(APP, 7, "ada");

        String proposed = repository.commit(withNoSneaky(NO_SNEAKY_TESTS));
        String id = proposeOnThePolicyRepository(4, proposed);
        journal.awaitState(id, JobState.REPORTED);

        assertEquals("failed", FakeGitLab.SHARED.status(POLICY_PROJECT, 4, CHECK, proposed));
        JsonNode impact = verdictOf(id).at("/policies/2/rules/0");
        assertEquals("failed", impact.path("outcome").asText());
        assertTrue(
                impact.path("message").asText().startsWith("2 merge requests would newly fail, more than 1."),
                impact.toString());
        String note = noteOn(id, 4);
        String preview =
                page("/preview/" + verdictOf(id).at("/impact/previewId").asText());
        assertTrue(preview.contains("(judged " + LocalDate.now(ZoneOffset.UTC) + ", no longer open)"), preview);
        assertTrue(
                note.contains("PAY-7 SNEAKY merged last week: passed → failed (judged " + LocalDate.now(ZoneOffset.UTC)
                        + ", no longer open)"),
                note);
    }

    @Test
    void aChangeWhoseTestsFailOrWhoseFilesAreInvalidFailsAtTheLineToFix() {
        String wrongExpectation =
                NO_SNEAKY_TESTS.replace("policies: {no-sneaky: failed}", "policies: {no-sneaky: passed}");
        String failingTests = repository.commit(withNoSneaky(wrongExpectation));
        String id = proposeOnThePolicyRepository(5, failingTests);
        journal.awaitState(id, JobState.REPORTED);
        assertEquals("failed", FakeGitLab.SHARED.status(POLICY_PROJECT, 5, CHECK, failingTests));
        JsonNode tests = verdictOf(id).at("/policies/1/rules/0");
        assertEquals(
                "1 of 2 failed: policies/no-sneaky.test.yaml:2: a sneaky title fails: expected policy no-sneaky"
                        + " passed, got failed",
                tests.path("message").asText());
        String note = noteOn(id, 5);
        assertTrue(note.contains("policies/no-sneaky.test.yaml:2"), note);

        Map<String, String> files = withNoSneaky(NO_SNEAKY_TESTS);
        files.put("policies/no-sneaky.yaml", NO_SNEAKY.replace("!mergeRequest.title", "mergeRequest.titel"));
        String invalid = repository.commit(files);
        String second = proposeOnThePolicyRepository(5, invalid);
        journal.awaitState(second, JobState.REPORTED);
        assertEquals("failed", FakeGitLab.SHARED.status(POLICY_PROJECT, 5, CHECK, invalid));
        JsonNode verdict = verdictOf(second);
        assertTrue(
                verdict.at("/policies/0/rules/0/message").asText().contains("policies/no-sneaky.yaml:6: rules[0].expr"),
                verdict.toString());
        assertEquals("skipped", verdict.at("/policies/1/rules/0/outcome").asText(), "no test runs on invalid files");
        assertEquals(repository.head(), policiesInForce(), "a proposal is never put in force");
    }

    /** The shipped policies, the no-sneaky policy with {@code tests}, and the payload the tests name. */
    private static Map<String, String> withNoSneaky(String tests) {
        Map<String, String> files = new TreeMap<>(PolicyRepository.shipped());
        files.put("policies/no-sneaky.yaml", NO_SNEAKY);
        files.put("policies/no-sneaky.test.yaml", tests);
        files.put("testdata/sample.json", Payloads.raw(Payloads.SAMPLE));
        return files;
    }

    /** A merge request of {@code project} with {@code title}, labelled for compliance, judged under the shipped set. */
    private void judged(long project, String path, int iid, String title) {
        String id = Webhooks.accept(payload(project, path, iid, Payloads.sha(9000 + iid), title));
        journal.awaitState(id, JobState.REPORTED);
    }

    /** The webhook GitLab sends for merge request {@code iid} of the policy repository at {@code commit}. */
    private static String proposeOnThePolicyRepository(int iid, String commit) {
        return Webhooks.accept(payload(POLICY_PROJECT, PolicyRepository.PROJECT, iid, commit, "Add no-sneaky"));
    }

    private static String payload(long project, String path, int iid, String sha, String title) {
        ObjectNode root = Payloads.json(Payloads.SAMPLE);
        ((ObjectNode) root.path("project")).put("id", project).put("path_with_namespace", path);
        ObjectNode attributes = (ObjectNode) root.path("object_attributes");
        attributes.put("iid", iid).put("title", title).put("target_project_id", project);
        ((ObjectNode) attributes.path("last_commit")).put("id", sha);
        attributes.putArray("labels").addObject().put("title", "compliance-reviewed");
        return Payloads.write(root);
    }

    private JsonNode verdictOf(String id) {
        return read("/api/v1/evaluations/" + id).path("verdict");
    }

    /** The note policy-gate wrote for evaluation {@code id} of merge request {@code iid} of the policy repository. */
    private String noteOn(String id, int iid) {
        journal.awaitNoteResult(id);
        return gitlab.getAllServeEvents().stream()
                .filter(e -> e.getRequest().getMethod().getName().matches("POST|PUT"))
                .filter(e -> e.getRequest()
                        .getUrl()
                        .startsWith("/api/v4/projects/" + POLICY_PROJECT + "/merge_requests/" + iid + "/notes"))
                .map(e ->
                        readTree(e.getRequest().getBodyAsString()).path("body").asText())
                .findFirst()
                .orElseThrow(() -> new AssertionError("no note on the policy repository's !" + iid));
    }

    private static String policiesInForce() {
        return read("/api/v1/policies").path("commit").asText();
    }

    private static void await(String commit) {
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(20))
                .until(() -> commit.equals(policiesInForce()));
    }

    private static JsonNode read(String path) {
        return readTree(page(path));
    }

    /** What a viewer gets at {@code path}: a page, or the API's JSON. */
    private static String page(String path) {
        return given().header("Authorization", VIEWER)
                .get(path)
                .then()
                .statusCode(200)
                .extract()
                .asString();
    }

    private static JsonNode readTree(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
