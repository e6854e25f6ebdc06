package io.policygate.policysource;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.policygate.journal.JobState;
import io.policygate.journal.PolicyPins;
import io.policygate.testing.CommandLineRun;
import io.policygate.testing.GitLabStubs;
import io.policygate.testing.InjectGitLab;
import io.policygate.testing.Journal;
import io.policygate.testing.Payloads;
import io.policygate.testing.PolicyRepository;
import io.policygate.testing.PolicyRepositoryGitLab;
import io.policygate.testing.StubbedServers;
import io.policygate.testing.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The policies in force read from a GitLab repository (policy-gate.policies.repository, .ref, .path) at the commit
 * its branch names, checked every second: what a merge of the policy repository changes, what an invalid commit or
 * an unreadable GitLab does not, and every verdict naming the commit that decided it.
 */
@QuarkusTest
@TestProfile(PoliciesFromARepositoryTest.FromARepository.class)
class PoliciesFromARepositoryTest {

    public static class FromARepository implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(PolicyRepositoryGitLab.class));
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String VIEWER = "Bearer test-dashboard-token";

    @InjectGitLab
    WireMockServer gitlab;

    @Inject
    Journal journal;

    @Inject
    PolicyPins pins;

    private PolicyRepository repository;

    @BeforeEach
    void theRepositoryAtItsFirstCommit() {
        repository = PolicyRepositoryGitLab.repository();
        pins.unpin();
        gitlab.resetRequests();
        GitLabStubs.acceptAll(gitlab);
        repository.push(PolicyRepository.shipped());
        awaitInForce(repository.head());
    }

    @AfterEach
    void noUnexpectedGitLabCall() {
        StubbedServers.assertNoUnexpectedRequest(gitlab);
    }

    private static JsonNode policies() {
        return read("/api/v1/policies");
    }

    private static JsonNode read(String path) {
        try {
            return JSON.readTree(given().header("Authorization", VIEWER)
                    .get(path)
                    .then()
                    .statusCode(200)
                    .extract()
                    .asString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The shipped policies and a new one, as a merge to the policy repository brings it. */
    private static Map<String, String> withNoWip() {
        Map<String, String> files = new TreeMap<>(PolicyRepository.shipped());
        files.put(
                "policies/no-wip.yaml",
                "name: no-wip\nrules:\n  - type: expression\n    expr: \"!mergeRequest.title.startsWith('WIP')\"\n");
        return files;
    }

    private static void awaitInForce(String commit) {
        await().atMost(Duration.ofSeconds(20))
                .until(() -> commit.equals(policies().path("commit").asText()));
    }

    @Test
    void theSetInForceIsTheRepositorysAtTheCommitItsBranchNames() {
        JsonNode policies = policies();
        assertEquals(
                "gitlab:" + PolicyRepository.PROJECT + "@main",
                policies.path("source").asText());
        assertEquals(repository.head(), policies.path("commit").asText());
        assertEquals(
                List.of("compliance-review", "jira-ticket", "protected-paths"),
                policies.path("policies").findValuesAsText("name").stream()
                        .sorted()
                        .toList());
        assertEquals(
                List.of(
                        "policies/compliance-review.yaml",
                        "policies/jira-ticket.yaml",
                        "policies/protected-paths.yaml"),
                policies.path("files").findValuesAsText("path"),
                "the folder's policy files; not its tests, nor files beside the folder");
        JsonNode health = JSON.createObjectNode();
        try {
            health = JSON.readTree(
                    given().get("/q/health/ready").then().extract().asString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        JsonNode check = health.path("checks").findParents("name").stream()
                .filter(c -> c.path("name").asText().equals("policies"))
                .findFirst()
                .orElseThrow();
        assertEquals(repository.head(), check.at("/data/commit").asText(), health.toString());
    }

    @Test
    void aMergeToThePolicyRepositoryIsInForceWithinSecondsAndAnInvalidOneIsNot() {
        Map<String, String> files = withNoWip();
        String merged = repository.push(files);
        awaitInForce(merged);
        assertTrue(policies().path("policies").findValuesAsText("name").contains("no-wip"));

        files.put(
                "policies/no-wip.yaml",
                "name: no-wip\nrules:\n  - type: expression\n    expr: \"mergeRequest.title\"\n");
        String broken = repository.push(files);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> broken.equals(policies().at("/lastLoad/commit").asText()));
        JsonNode policies = policies();
        assertEquals(merged, policies.path("commit").asText(), "the last good commit stays in force");
        assertEquals(false, policies.at("/lastLoad/ok").asBoolean());
        JsonNode error = policies.at("/lastLoad/errors/0");
        assertEquals("policies/no-wip.yaml", error.path("file").asText());
        assertEquals(4, error.path("line").asInt());
        assertTrue(error.path("message").asText().contains("boolean"), error.toString());
    }

    @Test
    void whileGitLabCannotBeReadTheSetInForceStaysAndTheErrorSaysWhy() {
        String before = repository.head();
        repository.failBranchReads(503);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> !policies().at("/lastLoad/ok").asBoolean());
        JsonNode policies = policies();
        assertEquals(before, policies.path("commit").asText());
        assertTrue(
                policies.at("/lastLoad/errors/0/message").asText().startsWith("cannot be read from GitLab"),
                policies.toString());
        repository.recover();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> policies().at("/lastLoad/ok").asBoolean());
        gitlab.resetRequests();
    }

    private static final String OPERATOR = "Bearer test-api-token";

    private static final String WAIVER_FILE = "policies/waivers/W-2026-001.yaml";

    /** The waiver file as compliance writes it: approved by alice, for a month. */
    private static String waiver() {
        java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
        return "id: W-2026-001\npolicy: jira-ticket\nprojects: [\"**\"]\nreason: Migration of the ticket system\n"
                + "approvedBy: alice\napprovedOn: " + today.minusDays(1) + "\nexpires: " + today.plusDays(30) + "\n";
    }

    @Test
    void aWaiverCountsOnlyWhenItsApproverApprovedTheMergeRequestThatBroughtItIn() {
        String good = repository.head();
        Map<String, String> files = new TreeMap<>(PolicyRepository.shipped());
        files.put(WAIVER_FILE, waiver());

        String approvedByBob = repository.push(files);
        repository.mergedWith(approvedByBob, WAIVER_FILE, 12, true, List.of("bob"));
        await().atMost(Duration.ofSeconds(20))
                .until(() ->
                        approvedByBob.equals(policies().at("/lastLoad/commit").asText()));
        JsonNode refused = policies();
        assertEquals(good, refused.path("commit").asText(), "a waiver no one approved where it lives is refused");
        JsonNode error = refused.at("/lastLoad/errors/0");
        assertEquals(WAIVER_FILE, error.path("file").asText());
        assertEquals("approvedBy", error.path("field").asText());
        assertEquals(
                "'alice' did not approve " + PolicyRepository.PROJECT + "!12, the merge request that brought this"
                        + " waiver in; its approvers: bob",
                error.path("message").asText());

        files.put(WAIVER_FILE, waiver() + "# pushed without a merge request\n");
        String pushed = repository.push(files);
        repository.mergedWith(pushed, WAIVER_FILE, 13, false, List.of("alice"));
        await().atMost(Duration.ofSeconds(20))
                .until(() -> pushed.equals(policies().at("/lastLoad/commit").asText()));
        assertTrue(
                policies().at("/lastLoad/errors/0/message").asText().contains("came in without a merged merge request"),
                policies().toString());

        files.put(WAIVER_FILE, waiver());
        String approvedByAlice = repository.push(files);
        repository.mergedWith(approvedByAlice, WAIVER_FILE, 14, true, List.of("bob", "alice"));
        awaitInForce(approvedByAlice);
        JsonNode waiver = policies().at("/waivers/0");
        assertEquals("W-2026-001", waiver.path("id").asText());
        assertEquals(
                PolicyRepository.PROJECT + "!14",
                waiver.at("/reviewedIn/mergeRequest").asText());
        assertEquals(List.of("bob", "alice"), JSON.convertValue(waiver.at("/reviewedIn/approvers"), List.class));
    }

    @Test
    void anOperatorPinsTheRepositoryToACommitOnEveryPageUntilThePinIsRemoved() {
        String good = repository.head();
        Map<String, String> files = withNoWip();
        String merged = repository.push(files);
        awaitInForce(merged);
        stubCommitRead(good);

        pin("{\"commit\": \"" + good.substring(0, 8) + "\", \"reason\": \"INC-1: no-wip blocks releases\"}")
                .statusCode(200);
        JsonNode policies = policies();
        assertEquals(good, policies.path("commit").asText(), "pinned by its short SHA, in force by its full one");
        assertEquals(good, policies.at("/pin/commit").asText());
        assertEquals("INC-1: no-wip blocks releases", policies.at("/pin/reason").asText());
        assertTrue(!policies.path("policies").findValuesAsText("name").contains("no-wip"));
        String page = given().header("Authorization", VIEWER)
                .get("/")
                .then()
                .extract()
                .asString();
        assertTrue(page.contains("Policies pinned at commit " + good), "every page says so");
        assertTrue(given().get("/q/metrics").then().extract().asString().contains("policy_gate_policies_pinned 1.0"));

        String later = repository.push(PolicyRepository.shipped());
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(5))
                .until(() -> good.equals(policies().path("commit").asText()));

        given().header("Authorization", OPERATOR)
                .delete("/api/v1/policies/pin")
                .then()
                .statusCode(200);
        awaitInForce(later);
        assertTrue(policies().path("pin").isNull());
        given().header("Authorization", OPERATOR)
                .delete("/api/v1/policies/pin")
                .then()
                .statusCode(404);
    }

    @Test
    void aPinToACommitGitLabDoesNotKnowOrToAnInvalidSetChangesNothing() {
        String head = repository.head();
        gitlab.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(
                        com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo(
                                "/api/v4/projects/" + PolicyRepository.ENCODED + "/repository/commits/deadbeef"))
                .willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse()
                        .withStatus(404)
                        .withBody("{\"message\":\"404 Commit Not Found\"}")));
        pin("{\"commit\": \"deadbeef\", \"reason\": \"test\"}").statusCode(422).contentType("application/problem+json");

        Map<String, String> files = new TreeMap<>(PolicyRepository.shipped());
        files.put("policies/broken.yaml", "name: broken\nrules: []\n");
        String broken = repository.push(files);
        repository.pushBranchBack(head);
        stubCommitRead(broken);
        pin("{\"commit\": \"" + broken + "\", \"reason\": \"test\"}")
                .statusCode(422)
                .body("detail", org.hamcrest.Matchers.containsString("policies/broken.yaml:2: rules"));
        assertEquals(head, policies().path("commit").asText());
        assertTrue(policies().path("pin").isNull());

        pin("{\"commit\": \"x y\", \"reason\": \"\"}").statusCode(400).body("field", equalTo("commit"));
    }

    private static ValidatableResponse pin(String body) {
        return given().header("Authorization", OPERATOR)
                .contentType("application/json")
                .body(body)
                .post("/api/v1/policies/pin")
                .then();
    }

    /** GitLab answers a commit read by its SHA or a short one. */
    private void stubCommitRead(String commit) {
        for (String ref : List.of(commit, commit.substring(0, 8))) {
            gitlab.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(
                            com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo(
                                    "/api/v4/projects/" + PolicyRepository.ENCODED + "/repository/commits/" + ref))
                    .willReturn(GitLabStubs.json("{\"id\":\"" + commit + "\"}")));
        }
    }

    @Test
    void everyVerdictNamesThePolicyCommitThatDecidedIt(@TempDir Path dir) throws Exception {
        String commit = repository.head();
        String id = Webhooks.accept(Payloads.forMergeRequest(Payloads.SAMPLE, 8801, Payloads.sha(8801)));
        journal.awaitState(id, JobState.REPORTED);

        JsonNode detail = read("/api/v1/evaluations/" + id);
        assertEquals(commit, detail.at("/evaluation/policyCommit").asText());
        assertEquals(
                "gitlab:" + PolicyRepository.PROJECT + "@main",
                detail.at("/evaluation/policySource").asText());

        String page = given().header("Authorization", VIEWER)
                .get("/evaluations/" + id)
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertTrue(
                page.contains("href=\"" + gitlab.baseUrl() + "/" + PolicyRepository.PROJECT + "/-/blob/" + commit
                        + "/policies/jira-ticket.yaml\""),
                "the page links each policy file at the commit");

        String export = given().header("Authorization", VIEWER)
                .get("/api/v1/evaluations/export?from=2020-01-01&format=csv")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertTrue(
                export.lines().anyMatch(line -> line.startsWith(id + ",") && line.contains("," + commit + ",")),
                export);

        JsonNode envelope = read("/api/v1/evaluations/" + id + "/attestation");
        JsonNode statement = JSON.readTree(
                Base64.getDecoder().decode(envelope.path("payload").asText()));
        assertEquals(commit, statement.at("/predicate/policy/digest/gitCommit").asText());
        assertEquals(
                "gitlab:" + PolicyRepository.PROJECT + "@main",
                statement.at("/predicate/policy/uri").asText());

        Path record = Files.writeString(dir.resolve("record.json"), envelope.toString());
        Path key = Files.writeString(
                dir.resolve("key.pub.pem"),
                read("/api/v1/keys").at("/keys/0/publicKeyPem").asText());
        CommandLineRun verified = CommandLineRun.run("verify-attestation", record.toString(), "--key", key.toString());
        assertEquals(0, verified.exit(), verified.output());
        assertTrue(
                verified.output()
                        .contains("policies from gitlab:" + PolicyRepository.PROJECT + "@main at commit " + commit),
                verified.output());

        String note = journal.awaitNoteResult(id);
        assertTrue(note.startsWith("created note"), note);
        assertTrue(
                gitlab.getAllServeEvents().stream()
                        .filter(e -> e.getRequest().getUrl().contains("/notes"))
                        .anyMatch(e -> e.getRequest()
                                .getBodyAsString()
                                .contains(
                                        "policies `" + PolicyRepository.PROJECT + "@" + commit.substring(0, 8) + "`")),
                "the note's footer names the policy commit");
    }
}
