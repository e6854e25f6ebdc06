package io.policygate.preview;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.policygate.cli.PolicyGateMain;
import io.policygate.policy.ActivePolicies;
import io.policygate.testing.FakeGitLab;
import io.policygate.testing.GitLabStubs;
import io.policygate.testing.GitLabWireMock;
import io.policygate.testing.Payloads;
import io.policygate.testing.ServiceTest;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Impact preview against a WireMock GitLab with 30 open merge requests in three projects of a group:
 * the shipped policies are in force; the candidate audits compliance-review and adds no-wip.
 */
@QuarkusTest
@WithTestResource(GitLabWireMock.class)
class PolicyPreviewTest extends ServiceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Per merge request: A passes both sets; B passes now, fails with no-wip (WIP title); C fails now for the
     * missing label only, passes with compliance-review audited; D has no ticket (fails both); E lacks the
     * label and is WIP (fails both, for other rules).
     */
    private static final Map<Long, String> PROJECTS =
            Map.of(101L, "AABCDACEABAD", 102L, "ACABADAACA", 103L, "BAACDAEA");
    /** 104 and 105 are in no group: a project too large to preview, and one whose reads GitLab holds. */
    private static final Map<Long, String> PATHS = Map.of(
            101L,
            "payments/api",
            102L,
            "payments/web",
            103L,
            "payments/ledger",
            104L,
            "platform/monorepo",
            105L,
            "platform/slow");
    /** Fewer than GitLab's 100 to a page, so that every project of the group is listed over several pages. */
    private static final int SHORT_PAGE = 5;

    private static final Set<String> TO_FAILED =
            Set.of("payments/api!3", "payments/api!10", "payments/web!4", "payments/ledger!1");
    private static final Set<String> TO_PASSED =
            Set.of("payments/api!4", "payments/api!7", "payments/web!2", "payments/web!9", "payments/ledger!4");

    @TestHTTPResource("/")
    URL service;

    @BeforeEach
    void gitlabWithAGroupOfOpenMergeRequests() {
        // The test profile allows the groups payments and secret; projects named by id must be known.
        journal.knowsProjects(101, 102, 103, 104, 105, 999);
        gitlab.stubFor(get(urlPathEqualTo("/api/v4/groups/payments/projects"))
                .withQueryParam("page", equalTo("1"))
                .willReturn(GitLabStubs.json(projects(101, 102)).withHeader("X-Next-Page", "2")));
        gitlab.stubFor(get(urlPathEqualTo("/api/v4/groups/payments/projects"))
                .withQueryParam("page", equalTo("2"))
                .willReturn(GitLabStubs.json(projects(103))));
        PROJECTS.forEach((id, kinds) -> {
            stubOpenMergeRequests(id, mergeRequests(id, kinds), SHORT_PAGE);
            stubProject(id);
        });
        gitlab.stubFor(
                get(urlPathEqualTo("/api/v4/projects/payments%2Fledger")).willReturn(GitLabStubs.json(project(103))));
    }

    /** As GitLab lists them: {@code perPage} to a page, X-Next-Page on every page but the last. */
    private void stubOpenMergeRequests(long project, ArrayNode all, int perPage) {
        int pages = Math.max(1, (all.size() + perPage - 1) / perPage);
        for (int page = 1; page <= pages; page++) {
            ArrayNode items = JSON.createArrayNode();
            for (int i = (page - 1) * perPage; i < Math.min(all.size(), page * perPage); i++) {
                items.add(all.get(i));
            }
            var answer = GitLabStubs.json(items.toString());
            gitlab.stubFor(get(urlPathEqualTo("/api/v4/projects/" + project + "/merge_requests"))
                    .withQueryParam("state", equalTo("opened"))
                    .withQueryParam("page", equalTo(String.valueOf(page)))
                    .willReturn(page < pages ? answer.withHeader("X-Next-Page", String.valueOf(page + 1)) : answer));
        }
    }

    private void stubProject(long id) {
        gitlab.stubFor(get(urlPathEqualTo("/api/v4/projects/" + id)).willReturn(GitLabStubs.json(project(id))));
    }

    private static ObjectNode projectNode(long id) {
        return JSON.createObjectNode().put("id", id).put("path_with_namespace", PATHS.get(id));
    }

    private static String project(long id) {
        return projectNode(id).toString();
    }

    private static String projects(long... ids) {
        ArrayNode list = JSON.createArrayNode();
        for (long id : ids) {
            list.add(projectNode(id));
        }
        return list.toString();
    }

    private static ArrayNode mergeRequests(long project, String kinds) {
        ArrayNode list = JSON.createArrayNode();
        for (int i = 0; i < kinds.length(); i++) {
            char kind = kinds.charAt(i);
            int iid = i + 1;
            String title = (kind == 'B' || kind == 'E' ? "WIP " : "") + (kind == 'D' ? "" : "PAY-" + iid + " ")
                    + "change " + iid;
            ObjectNode mr = list.addObject()
                    .put("iid", iid)
                    .put("title", title)
                    .put("description", "")
                    .put("source_branch", "feature-" + iid)
                    .put("target_branch", "main")
                    .put("draft", false)
                    .put("state", "opened")
                    .put("sha", Payloads.sha((int) project * 100 + iid))
                    .put("web_url", "https://gitlab.example.com/" + PATHS.get(project) + "/-/merge_requests/" + iid);
            mr.putObject("author").put("id", 7).put("username", "dev");
            mr.putObject("references").put("full", PATHS.get(project) + "!" + iid);
            ArrayNode labels = mr.putArray("labels");
            if (kind != 'C' && kind != 'E') {
                labels.add("compliance-reviewed");
            }
            // GitLab holds it too, with a diff version (no changes) for its HEAD.
            FakeGitLab.SHARED.put(new FakeGitLab.MergeRequest(
                    project,
                    PATHS.get(project),
                    iid,
                    mr.path("sha").asText(),
                    "opened",
                    title,
                    "",
                    "feature-" + iid,
                    "main",
                    false,
                    kind != 'C' && kind != 'E' ? List.of("compliance-reviewed") : List.of(),
                    7,
                    "dev",
                    List.of()));
        }
        return list;
    }

    /** The shipped set with compliance-review audited, plus a new policy that refuses WIP titles. */
    private static Map<String, String> candidate() throws IOException {
        Map<String, String> files = new LinkedHashMap<>();
        for (String name : List.of("jira-ticket.yaml", "protected-paths.yaml")) {
            files.put(name, Files.readString(Path.of("policies", name)));
        }
        files.put(
                "compliance-review.yaml",
                Files.readString(Path.of("policies", "compliance-review.yaml"))
                        .replace("name: compliance-review\n", "name: compliance-review\nmode: audit\n"));
        files.put(
                "no-wip.yaml",
                "name: no-wip\nrules:\n  - type: expression\n"
                        + "    expr: \"!mergeRequest.title.startsWith('WIP')\"\n    message: Finish the work first.\n");
        return files;
    }

    private static ValidatableResponse preview(Object body) {
        return given().header("Authorization", "Bearer test-api-token")
                .contentType("application/json")
                .body(body)
                .post("/api/v1/policies/preview")
                .then();
    }

    private static Set<String> flipped(JsonPath preview, String change) {
        Set<String> keys = new TreeSet<>();
        List<Map<String, Object>> mergeRequests = preview.getList("mergeRequests");
        for (Map<String, Object> mr : mergeRequests) {
            if (change.equals(mr.get("change"))) {
                keys.add(mr.get("projectPath") + "!" + mr.get("iid"));
            }
        }
        return keys;
    }

    private void assertNothingWasPosted() {
        gitlab.verify(0, postRequestedFor(anyUrl()));
        gitlab.verify(0, putRequestedFor(anyUrl()));
    }

    @Test
    void aGroupPreviewSaysExactlyWhichMergeRequestsFlipAndWhy() throws IOException {
        JsonPath preview = preview(Map.of("files", candidate(), "group", "payments"))
                .statusCode(200)
                .header("Location", containsString("/preview/"))
                .extract()
                .jsonPath();

        assertEquals(30, preview.getInt("counts.mergeRequests"));
        assertEquals(new TreeSet<>(TO_FAILED), flipped(preview, "to-failed"));
        assertEquals(new TreeSet<>(TO_PASSED), flipped(preview, "to-passed"));
        assertEquals(21, preview.getInt("counts.unchanged"));
        assertEquals("group payments (3 projects)", preview.getString("scope"));
        assertEquals(
                List.of(Map.of(
                        "policy",
                        "no-wip",
                        "rule",
                        0,
                        "type",
                        "expression",
                        "live",
                        "not applied",
                        "candidate",
                        "failed",
                        "message",
                        "Finish the work first.")),
                preview.getList("mergeRequests.find { it.projectPath == 'payments/api' && it.iid == 3 }.rules"));
        assertEquals(List.of("compliance-review: failed -> failed (audit)"), ruleChanges(preview, "payments/web", 2));
        assertEquals(
                List.of("compliance-review: failed -> failed (audit)", "no-wip: not applied -> failed"),
                ruleChanges(preview, "payments/api", 8));
        assertNothingWasPosted();

        String id = preview.getString("id");
        given().header("Authorization", "Bearer test-api-token")
                .get("/api/v1/policies/preview/" + id)
                .then()
                .statusCode(200)
                .body("counts.toFailed", org.hamcrest.Matchers.equalTo(4));
        given().header("Authorization", "Bearer test-api-token")
                .get("/api/v1/policies/preview")
                .then()
                .statusCode(200)
                .body("id", hasItem(id));
        given().auth()
                .preemptive()
                .basic("x", "test-api-token")
                .get("/preview/" + id)
                .then()
                .statusCode(200)
                .body(containsString("Would fail (4)"))
                .body(containsString("Would pass (5)"))
                .body(containsString("payments/api !3"));
        given().auth()
                .preemptive()
                .basic("x", "test-api-token")
                .get("/preview")
                .then()
                .statusCode(200)
                .body(containsString("30 open merge requests: 4 would fail, 5 would pass, 21 unchanged"));
    }

    private static List<String> ruleChanges(JsonPath preview, String project, int iid) {
        List<String> changes = new ArrayList<>();
        List<Map<String, Object>> rules = preview.getList(
                "mergeRequests.find { it.projectPath == '" + project + "' && it.iid == " + iid + " }.rules");
        rules.forEach(r -> changes.add(r.get("policy") + ": " + r.get("live") + " -> " + r.get("candidate")));
        return changes;
    }

    @Test
    void aCandidateWaiverShowsTheMergeRequestItWouldExcuseAndTheRuleItWaives() throws IOException {
        Map<String, String> files = new LinkedHashMap<>();
        for (String name : List.of("jira-ticket.yaml", "protected-paths.yaml", "compliance-review.yaml")) {
            files.put(name, Files.readString(Path.of("policies", name)));
        }
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        files.put(
                "waivers/ledger.yaml",
                "id: W-LEDGER-5\npolicy: jira-ticket\nrule: ticket\nprojects: [\"payments/ledger\"]\nmergeRequest: 5\n"
                        + "reason: Migrated from the old tracker.\napprovedBy: jane.doe\napprovedOn: " + today
                        + "\nexpires: " + today.plusDays(30) + "\n");

        JsonPath preview = preview(Map.of("files", files, "projects", List.of(103)))
                .statusCode(200)
                .extract()
                .jsonPath();

        assertEquals(Set.of("payments/ledger!5"), flipped(preview, "to-passed"));
        assertEquals(Set.of(), flipped(preview, "to-failed"));
        assertEquals(List.of("jira-ticket: failed -> waived (W-LEDGER-5)"), ruleChanges(preview, "payments/ledger", 5));
        assertNothingWasPosted();
    }

    @Test
    void projectsAreGivenByIdOrPath() throws IOException {
        JsonPath preview = preview(Map.of("files", candidate(), "projects", List.of(102, "payments/ledger")))
                .statusCode(200)
                .extract()
                .jsonPath();

        assertEquals(18, preview.getInt("counts.mergeRequests"));
        assertEquals(Set.of("payments/web!4", "payments/ledger!1"), flipped(preview, "to-failed"));
        assertEquals("projects 102, payments/ledger (2 projects)", preview.getString("scope"));
    }

    @Inject
    PolicyPreview previews;

    @Inject
    ActivePolicies policies;

    @Test
    void theReviewOfAPolicyChangeStopsAtItsDeadlineAndListsWhatItDidNotReach() {
        Preview preview = previews.ofChange(
                "a review out of time",
                Map.of(102L, "payments/ledger"),
                List.of(),
                policies.current(),
                policies.current(),
                Instant.now().minusSeconds(1));
        assertEquals(
                List.of(new Preview.NotEvaluated(
                        "payments/ledger",
                        "not previewed: the review's time (half of policy-gate.worker.lease) ran out")),
                preview.notEvaluated());
        assertEquals(0, preview.counts().mergeRequests());
        gitlab.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void anInvalidCandidateGetsTheErrorsValidatePrintsAndNothingIsEvaluated(@TempDir Path dir) throws IOException {
        Map<String, String> files = new LinkedHashMap<>();
        Path broken = dir.resolve("broken.yaml");
        Path unknown = dir.resolve("unknown.yaml");
        files.put(broken.toString(), "name: broken\nrules:\n  - type: ticket\n    pattern: '[A-Z'\n");
        files.put(unknown.toString(), "name: unknown\nrules:\n  - type: labels\n    requires: [x]\n");
        for (Map.Entry<String, String> file : files.entrySet()) {
            Files.writeString(Path.of(file.getKey()), file.getValue());
        }
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        assertEquals(
                1,
                PolicyGateMain.run(
                        new String[] {"validate", dir.toString()},
                        new PrintStream(printed, true, StandardCharsets.UTF_8)));
        List<String> validate = printed.toString(StandardCharsets.UTF_8)
                .lines()
                .filter(l -> l.startsWith(dir.toString()))
                .toList();

        JsonPath problem = preview(Map.of("files", files, "group", "payments"))
                .statusCode(422)
                .contentType(containsString("application/problem+json"))
                .extract()
                .jsonPath();

        List<String> errors = new ArrayList<>();
        List<Map<String, Object>> found = problem.getList("errors");
        found.forEach(e -> errors.add(new io.policygate.policy.PolicyError(
                        (String) e.get("file"), (Integer) e.get("line"), (String) e.get("field"), (String)
                                e.get("message"))
                .toString()));
        assertEquals(2, errors.size(), errors.toString());
        assertEquals(validate, errors);
        assertTrue(
                errors.get(0).startsWith(broken + ":4: rules[0].pattern: invalid regular expression"), errors.get(0));
        gitlab.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void aCandidateCannotCallAServiceTheSetInForceDoesNotCallNorSendPolicyGatesSecrets() {
        String collector = "http://localhost:" + gitlab.port() + "/collect";
        Map<String, String> files = new LinkedHashMap<>();
        files.put("collect.yaml", "name: collect\nrules:\n  - type: http\n    url: " + collector + "\n");
        files.put(
                "token.yaml",
                "name: token\nrules:\n  - type: ticket\n    jira:\n      url: " + collector + "\n"
                        + "      tokenEnv: POLICY_GATE_GITLAB_TOKEN\n");

        List<Map<String, Object>> errors = preview(Map.of("files", files, "group", "payments"))
                .statusCode(422)
                .extract()
                .jsonPath()
                .getList("errors");

        assertEquals(2, errors.size(), errors.toString());
        assertEquals(
                List.of("collect.yaml:4: rules[0].url", "token.yaml:6: rules[0].jira.tokenEnv"),
                errors.stream()
                        .map(e -> e.get("file") + ":" + e.get("line") + ": " + e.get("field"))
                        .toList());
        assertTrue(
                ((String) errors.get(0).get("message"))
                        .startsWith("calls http://localhost:" + gitlab.port() + "/collect, which no http rule in force"
                                + " calls"),
                errors.toString());
        assertTrue(
                ((String) errors.get(1).get("message"))
                        .startsWith("'POLICY_GATE_GITLAB_TOKEN' is one of" + " policy-gate's own settings"),
                errors.toString());
        gitlab.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void aScopeGitLabRefusesGetsA403SayingWhatToCheck() throws IOException {
        gitlab.stubFor(get(urlPathEqualTo("/api/v4/groups/secret/projects"))
                .willReturn(aResponse().withStatus(404).withBody("{\"message\":\"404 Group Not Found\"}")));
        gitlab.stubFor(get(urlPathEqualTo("/api/v4/projects/999"))
                .willReturn(aResponse().withStatus(403)));

        preview(Map.of("files", candidate(), "group", "secret"))
                .statusCode(403)
                .body("field", org.hamcrest.Matchers.equalTo("group"))
                .body(
                        "detail",
                        containsString("GitLab does not show group 'secret' to policy-gate (GitLab answered 404"))
                .body("detail", containsString("member with at least the Reporter role"));
        preview(Map.of("files", candidate(), "projects", List.of(999)))
                .statusCode(403)
                .body("field", org.hamcrest.Matchers.equalTo("projects"))
                .body("detail", containsString("project '999'"));
        assertNothingWasPosted();
    }

    @Test
    void aScopeOutsideTheAllowedGroupsIsRefusedBeforeGitLabIsAsked() throws IOException {
        gitlab.resetRequests();
        for (Map<String, Object> scope : List.<Map<String, Object>>of(
                Map.of("group", "treasury"),
                Map.of("group", "paymentsx"),
                Map.of("projects", List.of("treasury/ledger")),
                Map.of("projects", List.of(777)))) {
            Map<String, Object> request = new java.util.HashMap<>(scope);
            request.put("files", candidate());
            preview(request)
                    .statusCode(403)
                    .body("type", org.hamcrest.Matchers.equalTo("urn:policy-gate:problem:scope-not-allowed"))
                    .body("field", org.hamcrest.Matchers.equalTo(scope.containsKey("group") ? "group" : "projects"))
                    .body("detail", containsString("policy-gate.preview.allowed-groups (payments, secret)"));
        }
        gitlab.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void aScopeWithMoreOpenMergeRequestsThanTheLimitIsRefusedBeforeAnyIsEvaluated() throws IOException {
        stubProject(104);
        stubOpenMergeRequests(104, mergeRequests(104, "A".repeat(501)), 100);

        preview(Map.of("files", candidate(), "projects", List.of(104)))
                .statusCode(422)
                .contentType(containsString("application/problem+json"))
                .body("field", org.hamcrest.Matchers.equalTo("projects"))
                .body("detail", containsString("more than 500 open merge requests"))
                .body("detail", containsString("policy-gate.preview.max-merge-requests"));
        gitlab.verify(0, anyRequestedFor(urlPathMatching("/api/v4/projects/104/merge_requests/.+")));
        given().header("Authorization", "Bearer test-api-token")
                .get("/api/v1/policies/preview")
                .then()
                .statusCode(200)
                .body("scope", not(hasItem(containsString("104"))));
    }

    @Test
    void aSecondPreviewWhileOneRunsIsTooManyRequestsAndTheFirstFinishes() throws Exception {
        // GitLab answers each read of project 105 after a second (inside the client's 2 s): the first preview
        // holds the replica's one preview slot for about five seconds (project, list, three merge requests' versions).
        gitlab.stubFor(get(urlPathEqualTo("/api/v4/projects/105"))
                .willReturn(GitLabStubs.json(project(105)).withFixedDelay(1000)));
        gitlab.stubFor(get(urlPathEqualTo("/api/v4/projects/105/merge_requests"))
                .willReturn(
                        GitLabStubs.json(mergeRequests(105, "AAA").toString()).withFixedDelay(1000)));
        gitlab.stubFor(get(urlPathMatching("/api/v4/projects/105/merge_requests/\\d+/versions"))
                .atPriority(1)
                .willReturn(aResponse().withTransformers(FakeGitLab.ANSWERS).withFixedDelay(1000)));
        Map<String, Object> request = Map.of("files", candidate(), "projects", List.of(105));
        CompletableFuture<JsonPath> first = CompletableFuture.supplyAsync(
                () -> preview(request).statusCode(200).extract().jsonPath());
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(10))
                .until(() -> !gitlab.findAll(getRequestedFor(urlPathEqualTo("/api/v4/projects/105")))
                        .isEmpty());

        preview(request)
                .statusCode(429)
                .contentType(containsString("application/problem+json"))
                .body("detail", containsString("another preview is running on this replica"));

        assertEquals(3, first.get(60, TimeUnit.SECONDS).getInt("counts.mergeRequests"));
        preview(Map.of("files", candidate(), "projects", List.of(102))).statusCode(200);
    }

    @Test
    void badRequestsNameWhatIsWrong() throws IOException {
        preview(Map.of("group", "payments")).statusCode(400).body("field", org.hamcrest.Matchers.equalTo("files"));
        preview(Map.of("files", candidate())).statusCode(400).body("field", org.hamcrest.Matchers.equalTo("projects"));
        preview(Map.of("files", candidate(), "projects", List.of(true)))
                .statusCode(400)
                .body("detail", containsString("project ids or full paths"));
        preview("{not json").statusCode(400).body("detail", containsString("the body must be JSON"));
        given().contentType("application/json")
                .body(Map.of("files", candidate(), "group", "payments"))
                .post("/api/v1/policies/preview")
                .then()
                .statusCode(401);
        given().header("Authorization", "Bearer test-api-token")
                .get("/api/v1/policies/preview/nope")
                .then()
                .statusCode(404);
        gitlab.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void theCommandLinePrintsTheFlipsForAPolicyRepositoryPipeline(@TempDir Path dir) throws IOException {
        for (Map.Entry<String, String> file : candidate().entrySet()) {
            Files.writeString(dir.resolve(file.getKey()), file.getValue());
        }
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        int exit = PolicyGateMain.run(
                new String[] {
                    "preview",
                    "--policies",
                    dir.toString(),
                    "--group",
                    "payments",
                    "--url",
                    service.toString(),
                    "--token-env",
                    "TEST_API_TOKEN"
                },
                new PrintStream(printed, true, StandardCharsets.UTF_8));
        String out = printed.toString(StandardCharsets.UTF_8);

        assertEquals(0, exit, out);
        assertTrue(out.startsWith("Impact on 30 open merge requests of group payments (3 projects)\n"), out);
        assertTrue(
                out.contains("Would flip to failed: 4\n  payments/api!3  WIP PAY-3 change 3\n"
                        + "    no-wip (expression): not applied -> failed: Finish the work first.\n"),
                out);
        assertTrue(out.contains("Would flip to passed: 5\n"), out);
        assertTrue(out.contains("Unchanged: 21\n"), out);
        assertTrue(out.contains("Details: " + service.toString().replaceAll("/$", "") + "/preview/"), out);
        assertNothingWasPosted();
    }

    @Test
    void theCommandLineStopsAtAnInvalidFolderOrAMissingScope(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("broken.yaml"), "name: broken\nrules:\n  - type: nope\n");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

        assertEquals(
                1,
                PolicyGateMain.run(
                        new String[] {
                            "preview",
                            "--policies",
                            dir.toString(),
                            "--group",
                            "payments",
                            "--url",
                            service.toString(),
                            "--token-env",
                            "TEST_API_TOKEN"
                        },
                        out));
        assertTrue(
                printed.toString(StandardCharsets.UTF_8)
                        .contains(dir.resolve("broken.yaml") + ":3: rules[0].type: unknown rule type 'nope'"),
                printed.toString(StandardCharsets.UTF_8));
        assertEquals(
                2,
                PolicyGateMain.run(
                        new String[] {"preview", "--policies", dir.toString(), "--url", service.toString()}, out));
        gitlab.verify(0, anyRequestedFor(anyUrl()));
    }
}
