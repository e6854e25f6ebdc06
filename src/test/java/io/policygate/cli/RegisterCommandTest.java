package io.policygate.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import io.policygate.testing.GitLabStubs;
import io.policygate.testing.StubbedServers;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** register against a WireMock GitLab: a group of three projects over two pages. */
class RegisterCommandTest {

    private static final String HOOK = "https://policy-gate.example.com/webhooks/gitlab";
    private static final String OPEN_SHA = "a".repeat(40);
    private static final String REGISTERED = "/api/v1/registered-checks";
    private WireMockServer gitlab;

    @BeforeEach
    void gitLab() {
        gitlab = new WireMockServer(0);
        gitlab.start();
        gitlab.stubFor(get(urlPathEqualTo("/api/v4/groups/payments%2Fteam/projects"))
                .withQueryParam("page", equalTo("1"))
                .willReturn(GitLabStubs.json("[{\"id\":1,\"path_with_namespace\":\"payments/team/api\"},"
                                + "{\"id\":2,\"path_with_namespace\":\"payments/team/web\"}]")
                        .withHeader("X-Next-Page", "2")));
        gitlab.stubFor(get(urlPathEqualTo("/api/v4/groups/payments%2Fteam/projects"))
                .withQueryParam("page", equalTo("2"))
                .willReturn(GitLabStubs.json("[{\"id\":3,\"path_with_namespace\":\"payments/team/batch\"}]")));
        checks(1, "[]");
        checks(
                2,
                "[{\"id\":20,\"name\":\"policy-gate\",\"external_url\":\"http://old.example.com/hook\","
                        + "\"hmac\":true,\"protected_branches\":[{\"id\":7,\"name\":\"main\"}]}]");
        checks(
                3,
                "[{\"id\":30,\"name\":\"policy-gate\",\"external_url\":\"" + HOOK + "\","
                        + "\"hmac\":true,\"protected_branches\":[{\"id\":8,\"name\":\"main\"}]}]");
        version("17.5.1-ee");
        for (int project = 1; project <= 3; project++) {
            gitlab.stubFor(get(urlPathEqualTo("/api/v4/projects/" + project + "/protected_branches"))
                    .willReturn(GitLabStubs.json("[{\"id\":" + (5 + project) + ",\"name\":\"main\"}]")));
        }
        gitlab.stubFor(WireMock.post(urlPathMatching("/api/v4/projects/\\d+/external_status_checks"))
                .willReturn(
                        GitLabStubs.json("{\"id\":10,\"name\":\"policy-gate\"}").withStatus(201)));
        openMergeRequests(1, "[]");
        openMergeRequests(
                2,
                "[{\"iid\":5,\"title\":\"Fix the batch\",\"sha\":\"" + OPEN_SHA + "\","
                        + "\"target_branch\":\"main\"},{\"iid\":6,\"title\":\"Spike\",\"sha\":\"" + OPEN_SHA + "\","
                        + "\"target_branch\":\"develop\"}]");
        openMergeRequests(3, "[]");
        // policy-gate's API, played by the same server: it takes the registered checks.
        gitlab.stubFor(WireMock.post(urlPathEqualTo(REGISTERED))
                .willReturn(GitLabStubs.json("{\"state\":\"sweeping\",\"projects\":3,\"checks\":3}")
                        .withStatus(202)));
        gitlab.stubFor(WireMock.put(urlPathMatching("/api/v4/projects/\\d+/external_status_checks/\\d+"))
                .willReturn(GitLabStubs.json("{}")));
    }

    private void version(String version) {
        gitlab.stubFor(get(urlPathEqualTo("/api/v4/version"))
                .willReturn(GitLabStubs.json("{\"version\":\"" + version + "\"}")));
    }

    private void openMergeRequests(int project, String body) {
        gitlab.stubFor(get(urlPathEqualTo("/api/v4/projects/" + project + "/merge_requests"))
                .withQueryParam("state", equalTo("opened"))
                .willReturn(GitLabStubs.json(body)));
    }

    private void checks(int project, String body) {
        gitlab.stubFor(get(urlPathEqualTo("/api/v4/projects/" + project + "/external_status_checks"))
                .willReturn(GitLabStubs.json(body)));
    }

    @AfterEach
    void stop() {
        try {
            StubbedServers.assertNoUnexpectedRequest(gitlab);
        } finally {
            gitlab.stop();
        }
    }

    private String run(int expectedExit, String... extra) {
        String[] withBranch = java.util.stream.Stream.concat(
                        java.util.Arrays.stream(new String[] {"--protected-branch", "main"}),
                        java.util.Arrays.stream(extra))
                .toArray(String[]::new);
        return runWithout(expectedExit, withBranch);
    }

    /** register on the group, with the test token and secret, and only {@code extra} besides. */
    private String runWithout(int expectedExit, String... extra) {
        return runOn(HOOK, gitlab.baseUrl(), expectedExit, extra);
    }

    /** register on the group with the webhook {@code url}, policy-gate at {@code policyGateUrl} (null: not said). */
    private String runOn(String url, String policyGateUrl, int expectedExit, String... extra) {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of(
                "register",
                "--group",
                "payments/team",
                "--url",
                url,
                "--gitlab-url",
                gitlab.baseUrl(),
                "--token-env",
                "TEST_GITLAB_TOKEN",
                "--secret-env",
                "TEST_SHARED_SECRET",
                "--api-token-env",
                "TEST_API_TOKEN"));
        if (policyGateUrl != null) {
            args.add("--policy-gate-url");
            args.add(policyGateUrl);
        }
        args.addAll(java.util.List.of(extra));
        String[] all = args.toArray(String[]::new);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        assertEquals(
                expectedExit,
                PolicyGateMain.run(all, new PrintStream(bytes, true, StandardCharsets.UTF_8)),
                bytes.toString(StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void createsMissingUpdatesChangedAndLeavesCurrentChecksAlone() {
        String out = run(0);

        assertTrue(out.contains("payments/team/api (1): created check 'policy-gate' -> " + HOOK), out);
        assertTrue(
                out.contains("payments/team/web (2): updated check 'policy-gate' (20): http://old.example.com/hook -> "
                        + HOOK),
                out);
        assertTrue(out.contains("payments/team/batch (3): check 'policy-gate' (30) already up to date"), out);
        assertTrue(out.endsWith("1 created, 1 updated, 1 unchanged, 0 failed\n"), out);
        gitlab.verify(postRequestedFor(urlPathEqualTo("/api/v4/projects/1/external_status_checks"))
                .withHeader("PRIVATE-TOKEN", equalTo("test-gitlab-token"))
                .withRequestBody(equalToJson("{\"name\":\"policy-gate\",\"external_url\":\"" + HOOK + "\","
                        + "\"shared_secret\":\"test-shared-secret\",\"protected_branch_ids\":[6]}")));
        gitlab.verify(putRequestedFor(urlPathEqualTo("/api/v4/projects/2/external_status_checks/20")));
        gitlab.verify(0, putRequestedFor(urlPathMatching("/api/v4/projects/3/.*")));
        // The open merge requests the check applies to (MR 6 targets develop, not main), then policy-gate is told.
        assertTrue(
                out.contains("payments/team/web (2): updated check 'policy-gate' (20): http://old.example.com/hook"
                        + " -> " + HOOK + "\n  1 open merge request(s) to evaluate\n"),
                out);
        assertTrue(out.contains("policy-gate evaluates the open merge requests of 3 project(s)"), out);
        gitlab.verify(postRequestedFor(urlPathEqualTo(REGISTERED))
                .withHeader("Authorization", equalTo("Bearer test-api-token"))
                .withRequestBody(equalToJson("{\"checks\":[{\"projectId\":1,\"checkId\":10},"
                        + "{\"projectId\":2,\"checkId\":20},{\"projectId\":3,\"checkId\":30}]}")));
    }

    /** The policy repository as GitLab shows it, with no check yet, and policy-gate's policies read from {@code source}. */
    private void policyRepository(String source) {
        gitlab.stubFor(get(urlPathEqualTo("/api/v4/projects/compliance%2Fpolicies"))
                .willReturn(GitLabStubs.json("{\"id\":77,\"path_with_namespace\":\"compliance/policies\"}")));
        checks(77, "[]");
        gitlab.stubFor(get(urlPathEqualTo("/api/v4/projects/77/protected_branches"))
                .willReturn(GitLabStubs.json("[{\"id\":9,\"name\":\"main\"}]")));
        openMergeRequests(77, "[]");
        gitlab.stubFor(get(urlPathEqualTo("/api/v1/policies"))
                .withHeader("Authorization", equalTo("Bearer test-api-token"))
                .willReturn(GitLabStubs.json("{\"source\":\"" + source + "\",\"policies\":[]}")));
    }

    /** register on the policy repository, policy-gate at the WireMock server. */
    private String registerThePolicyRepository(int expectedExit) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        assertEquals(
                expectedExit,
                PolicyGateMain.run(
                        new String[] {
                            "register",
                            "--policy-repository",
                            "compliance/policies",
                            "--url",
                            HOOK,
                            "--gitlab-url",
                            gitlab.baseUrl(),
                            "--token-env",
                            "TEST_GITLAB_TOKEN",
                            "--secret-env",
                            "TEST_SHARED_SECRET",
                            "--api-token-env",
                            "TEST_API_TOKEN",
                            "--policy-gate-url",
                            gitlab.baseUrl(),
                            "--protected-branch",
                            "main"
                        },
                        new PrintStream(bytes, true, StandardCharsets.UTF_8)),
                bytes.toString(StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void thePolicyRepositoryGetsItsCheckOnlyWhenPolicyGateReadsItsPoliciesFromIt() {
        policyRepository("policies");
        String refused = registerThePolicyRepository(1);
        assertTrue(
                refused.contains("FAILED: policy-gate reads its policies from policies, not from compliance/policies:"
                        + " set policy-gate.policies.repository (POLICY_GATE_POLICIES_REPOSITORY) to"
                        + " compliance/policies first"),
                refused);
        gitlab.verify(0, postRequestedFor(urlPathMatching("/api/v4/projects/77/external_status_checks")));

        policyRepository("gitlab:compliance/policies@main");
        String out = registerThePolicyRepository(0);
        assertTrue(out.contains("compliance/policies (77): created check 'policy-gate' -> " + HOOK), out);
        gitlab.verify(postRequestedFor(urlPathEqualTo(REGISTERED))
                .withRequestBody(equalToJson("{\"checks\":[{\"projectId\":77,\"checkId\":10}]}")));
    }

    @Test
    void aPolicyGateThatDoesNotTakeTheChecksFailsTheRunAndSaysToRunItAgain() {
        gitlab.stubFor(WireMock.post(urlPathEqualTo(REGISTERED))
                .willReturn(WireMock.aResponse()
                        .withStatus(401)
                        .withHeader("Content-Type", "application/problem+json")
                        .withBody("{\"detail\":\"send Authorization: Bearer <policy-gate.api.token>\"}")));
        String out = run(1);
        assertTrue(
                out.contains("FAILED: policy-gate answered 401 to POST " + gitlab.baseUrl() + REGISTERED
                        + ": send Authorization: Bearer <policy-gate.api.token>; the checks are registered, run register again"
                        + " to have the open merge requests evaluated"),
                out);
        assertTrue(out.endsWith("1 created, 1 updated, 1 unchanged, 1 failed\n"), out);
    }

    @Test
    void withoutPolicyGatesAddressNothingIsChanged() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        assertEquals(
                2,
                PolicyGateMain.run(
                        new String[] {
                            "register",
                            "--group",
                            "payments/team",
                            "--url",
                            "https://proxy.example.com/hooks/policy-gate",
                            "--gitlab-url",
                            gitlab.baseUrl(),
                            "--policy-gate-url",
                            ""
                        },
                        new PrintStream(bytes, true, StandardCharsets.UTF_8)));
        assertTrue(
                bytes.toString(StandardCharsets.UTF_8)
                        .contains("set POLICY_GATE_URL or --policy-gate-url to"
                                + " policy-gate's address: register has it evaluate the open merge requests"),
                bytes.toString(StandardCharsets.UTF_8));
        gitlab.verify(0, anyRequestedFor(urlPathMatching(".*")));
    }

    @Test
    void policyGatesAddressIsTheWebhookUrlWithoutItsPath() {
        runOn(gitlab.baseUrl() + "/webhooks/gitlab", null, 0, "--protected-branch", "main", "--allow-insecure-url");
        gitlab.verify(1, postRequestedFor(urlPathEqualTo(REGISTERED)));
        assertEquals("https://policy-gate.example.com", RegisterCommand.serviceAddress(HOOK + "/?x=1"));
        assertEquals(null, RegisterCommand.serviceAddress("https://proxy.example.com/hooks/policy-gate"));
    }

    @Test
    void helpSaysEveryOptionAndChangesNothing() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        assertEquals(
                0,
                PolicyGateMain.run(
                        new String[] {"register", "--help"}, new PrintStream(bytes, true, StandardCharsets.UTF_8)));
        String help = bytes.toString(StandardCharsets.UTF_8);
        for (String option : new String[] {
            "--project=ID_OR_PATH",
            "--group=ID_OR_PATH",
            "--url=EXTERNAL_URL",
            "--protected-branch=NAME",
            "--rotate-secret",
            "--require-status-checks",
            "--allow-insecure-url",
            "--dry-run",
            "--policy-gate-url=URL",
            "--token-env=VAR",
            "--secret-env=VAR",
            "--api-token-env=VAR"
        }) {
            assertTrue(help.contains(option), option + " in\n" + help);
        }
        assertTrue(help.startsWith("Usage: java -jar policy-gate.jar register"), help);
        gitlab.verify(0, anyRequestedFor(urlPathMatching(".*")));
    }

    @Test
    void dryRunChangesNothing() {
        String out = run(0, "--dry-run");

        assertTrue(out.contains("would create check"), out);
        assertTrue(out.contains("would update check"), out);
        assertTrue(out.endsWith("dry run: 1 created, 1 updated, 1 unchanged, 0 failed\n"), out);
        // It lists the open merge requests the check applies to, which a real run would have evaluated.
        assertTrue(out.contains("  would evaluate !5 Fix the batch at " + OPEN_SHA), out);
        assertFalse(out.contains("!6"), out);
        gitlab.verify(0, postRequestedFor(urlPathMatching(".*")));
        gitlab.verify(0, putRequestedFor(urlPathMatching(".*")));
    }

    @Test
    void requireStatusChecksTurnsStatusChecksMustSucceedOnWhereItIsOff() {
        gitlab.stubFor(get(urlPathEqualTo("/api/v4/groups/payments%2Fteam/projects"))
                .withQueryParam("page", equalTo("2"))
                .willReturn(GitLabStubs.json("[{\"id\":3,\"path_with_namespace\":\"payments/team/batch\","
                        + "\"only_allow_merge_if_all_status_checks_passed\":true}]")));
        gitlab.stubFor(WireMock.put(urlPathMatching("/api/v4/projects/\\d+")).willReturn(GitLabStubs.json("{}")));

        String dry = run(0, "--require-status-checks", "--dry-run");
        assertTrue(dry.contains("payments/team/api (1): would turn \"Status checks must succeed\" on"), dry);
        assertTrue(dry.contains("payments/team/batch (3): \"Status checks must succeed\" is on already"), dry);
        gitlab.verify(0, putRequestedFor(urlPathMatching(".*")));

        String out = run(0, "--require-status-checks");
        assertTrue(out.contains("payments/team/web (2): turned \"Status checks must succeed\" on"), out);
        for (int project : new int[] {1, 2}) {
            gitlab.verify(putRequestedFor(urlPathEqualTo("/api/v4/projects/" + project))
                    .withRequestBody(
                            equalToJson("{\"only_allow_merge_if_all_status_checks_passed\":true}", true, true)));
        }
        gitlab.verify(0, putRequestedFor(urlPathEqualTo("/api/v4/projects/3")));
    }

    @Test
    void refusalsAreReportedPerProject() {
        gitlab.stubFor(WireMock.post(urlPathEqualTo("/api/v4/projects/1/external_status_checks"))
                .willReturn(WireMock.aResponse().withStatus(403)));
        String out = run(1);
        assertTrue(
                out.contains(
                        "payments/team/api (1): FAILED: GitLab answered 403 to POST /projects/1/external_status_checks:"
                                + " the token's user needs the Maintainer role"),
                out);
        assertTrue(out.endsWith("0 created, 1 updated, 1 unchanged, 1 failed\n"), out);
    }

    @Test
    void aCheckWithoutASecretGetsOneAndRotateSecretReplacesIt() {
        checks(
                3,
                "[{\"id\":30,\"name\":\"policy-gate\",\"external_url\":\"" + HOOK + "\","
                        + "\"hmac\":false,\"protected_branches\":[{\"id\":8,\"name\":\"main\"}]}]");
        String out = run(0);
        assertTrue(
                out.contains("payments/team/batch (3): updated check 'policy-gate' (30): secret set (the check had"
                        + " none: GitLab sent its webhooks unsigned)"),
                out);
        gitlab.verify(putRequestedFor(urlPathEqualTo("/api/v4/projects/3/external_status_checks/30"))
                .withRequestBody(equalToJson("{\"shared_secret\":\"test-shared-secret\"}", true, true)));

        checks(
                3,
                "[{\"id\":30,\"name\":\"policy-gate\",\"external_url\":\"" + HOOK + "\","
                        + "\"hmac\":true,\"protected_branches\":[{\"id\":8,\"name\":\"main\"}]}]");
        assertTrue(run(0, "--rotate-secret")
                .contains("payments/team/batch (3): updated check 'policy-gate' (30):" + " secret replaced"));
    }

    @Test
    void withoutProtectedBranchesTheCheckAppliesToEveryBranch() {
        String out = runWithout(0);
        assertTrue(
                out.contains(
                        "payments/team/batch (3): updated check 'policy-gate' (30): protected branches [8] -> all"),
                out);
        gitlab.verify(putRequestedFor(urlPathEqualTo("/api/v4/projects/3/external_status_checks/30"))
                .withRequestBody(equalToJson("{\"protected_branch_ids\":[]}", true, true)));
        gitlab.verify(postRequestedFor(urlPathEqualTo("/api/v4/projects/1/external_status_checks"))
                .withRequestBody(equalToJson("{\"protected_branch_ids\":[]}", true, true)));
    }

    @Test
    void aGitLabThatIgnoresSecretsIsRefusedBeforeAnythingChanges() {
        version("16.11.3-ee");
        String out = run(1);
        assertTrue(
                out.contains("GitLab 16.11.3-ee ignores a status check's shared_secret (it is taken since 17.3)"), out);
        gitlab.verify(0, postRequestedFor(urlPathMatching(".*")));
        gitlab.verify(0, putRequestedFor(urlPathMatching(".*")));
    }

    @Test
    void anInsecureUrlNeedsToBeAllowed() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        assertEquals(
                2,
                PolicyGateMain.run(
                        new String[] {
                            "register",
                            "--group",
                            "payments/team",
                            "--url",
                            "http://policy-gate.internal/webhooks/gitlab",
                            "--gitlab-url",
                            gitlab.baseUrl()
                        },
                        new PrintStream(bytes, true, StandardCharsets.UTF_8)));
        assertTrue(
                bytes.toString(StandardCharsets.UTF_8).contains("--url is http://"),
                bytes.toString(StandardCharsets.UTF_8));
        gitlab.verify(0, anyRequestedFor(urlPathMatching(".*")));

        runOn("http://policy-gate.internal/webhooks/gitlab", gitlab.baseUrl(), 0, "--allow-insecure-url");
    }

    @Test
    void badOptionsAreUsageErrors() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        assertEquals(
                2,
                PolicyGateMain.run(
                        new String[] {"register", "--group", "g"},
                        new PrintStream(bytes, true, StandardCharsets.UTF_8)));
        assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("--url must be policy-gate's webhook URL"));
        gitlab.verify(0, anyRequestedFor(urlPathMatching(".*")));
    }
}
