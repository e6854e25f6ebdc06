package io.policygate.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.policygate.policy.rules.RuleTypes;
import io.policygate.policy.rules.SecretGrants;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PolicyLoaderTest {

    private final PolicyLoader loader = new PolicyLoader(RuleTypes.builtIn());

    private List<PolicyError> errorsOf(String yaml) {
        List<PolicyError> errors = new ArrayList<>();
        loader.parse("p.yaml", yaml, errors);
        return errors;
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("not YAML", "name: a\nrules: [\n", 2, null, "not valid YAML"),
                Arguments.of(
                        "duplicate key",
                        "name: a\nname: b\nrules:\n  - type: draft\n",
                        2,
                        null,
                        "duplicate key 'name'"),
                Arguments.of("no name", "rules:\n  - type: expression\n    expr: 'true'\n", 1, "name", "is required"),
                Arguments.of("no rules", "name: a\n", 1, "rules", "is required"),
                Arguments.of(
                        "unknown top field",
                        "name: a\nowner: me\nrules:\n  - type: expression\n    expr: 'true'\n",
                        2,
                        "owner",
                        "unknown field 'owner'"),
                Arguments.of(
                        "unknown rule type",
                        "name: a\nrules:\n  - type: tikcet\n",
                        3,
                        "rules[0].type",
                        "unknown rule type 'tikcet'; one of [ticket, license, paths, labels, branch, title, author, draft, commits, size, approvals, window, expression, http]"),
                Arguments.of(
                        "rule without type", "name: a\nrules:\n  - expr: 'true'\n", 3, "rules[0].type", "is required"),
                Arguments.of(
                        "unknown rule field",
                        "name: a\nrules:\n  - type: ticket\n    patern: 'X'\n",
                        4,
                        "rules[0].patern",
                        "unknown field 'patern'; known fields: in, jira, keys, pattern"),
                Arguments.of(
                        "wrong type",
                        "name: a\nrules:\n  - type: ticket\n    in: title\n",
                        4,
                        "rules[0].in",
                        "must be a list"),
                Arguments.of(
                        "number for string",
                        "name: 42\nrules:\n  - type: expression\n    expr: 'true'\n",
                        1,
                        "name",
                        "'42' is not a string"),
                Arguments.of(
                        "bad mode",
                        "name: a\nmode: strict\nrules:\n  - type: expression\n    expr: 'true'\n",
                        2,
                        "mode",
                        "one of [enforce, audit]"),
                Arguments.of(
                        "invalid regex",
                        "name: a\nrules:\n  - type: ticket\n    pattern: '[A-Z+'\n",
                        4,
                        "rules[0].pattern",
                        "invalid regular expression"),
                Arguments.of(
                        "bad place",
                        "name: a\nrules:\n  - type: ticket\n    in: [title, body]\n",
                        4,
                        "rules[0].in[1]",
                        "unknown place 'body'"),
                Arguments.of(
                        "CEL does not compile",
                        "name: a\nrules:\n  - type: expression\n    expr: 'mergeRequest.title =='\n",
                        4,
                        "rules[0].expr",
                        "does not compile"),
                Arguments.of(
                        "CEL not boolean",
                        "name: a\nrules:\n  - type: expression\n    expr: '1 + 1'\n",
                        4,
                        "rules[0].expr",
                        "must be a boolean"),
                Arguments.of(
                        "when not boolean",
                        "name: a\nappliesTo:\n  when: \"'x'\"\nrules:\n  - type: expression\n    expr: 'true'\n",
                        3,
                        "appliesTo.when",
                        "must be a boolean"),
                Arguments.of(
                        "when reads changes",
                        "name: a\nappliesTo:\n  when: \"changes.exists(c, c.path == 'x')\"\nrules:\n  - type: draft\n",
                        3,
                        "appliesTo.when",
                        "when may not read changes: whether a policy applies is decided from the merge request"),
                Arguments.of(
                        "when reads commits",
                        "name: a\nappliesTo:\n  when: \"size(commits) > 1\"\nrules:\n  - type: draft\n",
                        3,
                        "appliesTo.when",
                        "when may not read commits"),
                Arguments.of(
                        "bad project",
                        "name: a\nappliesTo:\n  projects: [true]\nrules:\n  - type: expression\n    expr: 'true'\n",
                        3,
                        "appliesTo.projects[0]",
                        "project id"),
                Arguments.of(
                        "bad rule mode",
                        "name: a\nrules:\n  - type: draft\n    mode: observe\n",
                        4,
                        "rules[0].mode",
                        "must be one of [enforce, audit]"),
                Arguments.of(
                        "bad onError",
                        "name: a\nrules:\n  - type: draft\n    onError: ignore\n",
                        4,
                        "rules[0].onError",
                        "must be one of [fail, skip]"),
                Arguments.of(
                        "http token from policy-gate's settings",
                        "name: a\nrules:\n  - type: http\n    url: https://x.example\n    tokenEnv: POLICY_GATE_GITLAB_TOKEN\n",
                        5,
                        "rules[0].tokenEnv",
                        "'POLICY_GATE_GITLAB_TOKEN' is one of policy-gate's own settings"),
                Arguments.of(
                        "Jira token from policy-gate's settings",
                        "name: a\nrules:\n  - type: ticket\n    jira:\n"
                                + "      url: https://jira.example\n      tokenEnv: quarkus_datasource_password\n",
                        6,
                        "rules[0].jira.tokenEnv",
                        "may not send policy-gate's secrets"),
                Arguments.of("document not a mapping", "- a\n- b\n", 1, null, "must be a mapping"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void eachMistakeGivesOneMessageWithLineAndField(String name, String yaml, int line, String field, String message) {
        List<PolicyError> errors = errorsOf(yaml);
        assertEquals(1, errors.size(), errors.toString());
        PolicyError error = errors.get(0);
        assertEquals("p.yaml", error.file());
        assertEquals(line, error.line(), error.toString());
        assertEquals(field, error.field() == null || error.field().isEmpty() ? null : error.field(), error.toString());
        assertTrue(error.message().contains(message), error.toString());
    }

    @Test
    void errorsInSeveralDocumentsAreAllReported() {
        List<PolicyError> errors = errorsOf(
                "name: a\nrules:\n  - type: nope\n---\nname: b\nrules:\n  - type: ticket\n" + "    pattern: '('\n");
        assertEquals(2, errors.size(), errors.toString());
        assertEquals(3, errors.get(0).line());
        assertEquals(8, errors.get(1).line());
    }

    @Test
    void validDirectoryLoadsEveryDocumentWithItsSource(@TempDir Path dir) throws IOException {
        Files.writeString(
                dir.resolve("a.yaml"),
                "name: a\nrules:\n  - type: expression\n    expr: 'true'\n"
                        + "---\nname: b\nmode: audit\nappliesTo:\n  projects: [42, 'payments/*']\n  targetBranches: [main]\n"
                        + "rules:\n  - type: ticket\n    keys: [PAY]\n    message: Name a PAY ticket.\n");
        Files.writeString(
                dir.resolve("b.yml"), "name: c\nrules:\n  - type: expression\n    expr: '!mergeRequest.draft'\n");
        Files.writeString(dir.resolve("a.test.yaml"), "not: a policy\n");
        Files.writeString(dir.resolve(".hidden.yaml"), "not: a policy\n");
        Files.writeString(dir.resolve("notes.txt"), "ignored\n");

        PolicySet set = loader.load(dir);

        assertEquals(
                List.of("a", "b", "c"),
                set.policies().stream().map(Policy::name).toList());
        assertEquals(2, set.files().size());
        Policy b = set.policies().get(1);
        assertEquals(PolicyMode.AUDIT, b.mode());
        assertEquals(6, b.source().line());
        assertEquals(List.of(42L), b.appliesTo().projectIds());
        assertEquals("Name a PAY ticket.", b.rules().get(0).message());
        assertEquals(64, set.files().get(0).sha256().length());
    }

    @Test
    void duplicateNamesAcrossFilesAreRefusedNamingBoth(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("a.yaml"), "name: same\nrules:\n  - type: expression\n    expr: 'true'\n");
        Files.writeString(dir.resolve("b.yaml"), "\n\nname: same\nrules:\n  - type: expression\n    expr: 'true'\n");

        PolicyLoadException e = assertThrows(PolicyLoadException.class, () -> loader.load(dir));

        assertEquals(1, e.errors().size());
        assertTrue(
                e.getMessage()
                        .contains(dir.resolve("b.yaml") + ":3: name: duplicate policy name 'same', first defined at "
                                + dir.resolve("a.yaml") + ":1"),
                e.getMessage());
    }

    @Test
    void aRestrictedLoaderRefusesCallsTheSetInForceDoesNotMake() {
        String jira = "name: tickets\nrules:\n  - type: ticket\n    jira:\n      url: https://jira.example.com\n"
                + "      tokenEnv: JIRA_TOKEN\n";
        String http = "name: checks\nrules:\n  - type: http\n    url: https://checks.example.com/verdict\n"
                + "    tokenEnv: CHECKS_TOKEN\n";
        PolicySet inForce = loader.load(Map.of("live.yaml", (jira + "---\n" + http).getBytes(StandardCharsets.UTF_8)));
        assertEquals(
                List.of(
                        "https://jira.example.com:443 with JIRA_TOKEN",
                        "https://checks.example.com:443/verdict with CHECKS_TOKEN"),
                inForce.outboundCalls().stream().map(Object::toString).toList());
        PolicyLoader candidates = loader.restrictedTo(inForce.outboundCalls());

        // The same rule type, origin and variables, at the same path or below it.
        String sameCalls = jira.replace("jira.example.com", "JIRA.example.com:443/browse") + "---\n"
                + http.replace("/verdict", "/verdict/v2");
        assertEquals(
                2,
                candidates
                        .load(Map.of("c.yaml", sameCalls.getBytes(StandardCharsets.UTF_8)))
                        .policies()
                        .size());

        String otherCalls = jira.replace("JIRA_TOKEN", "DEPLOY_KEY") + "---\n"
                + http.replace("checks.example.com", "collector.example.net") + "---\n"
                // Another path of the same host (another tenant of it) may not have the variable the rule sends.
                + http.replace("/verdict", "/other") + "---\n"
                // Nor another rule type, which would send the Jira token its own way.
                + "name: relay\nrules:\n  - type: http\n    url: https://jira.example.com/\n    tokenEnv: JIRA_TOKEN\n";
        PolicyLoadException e = assertThrows(
                PolicyLoadException.class,
                () -> candidates.load(Map.of("c.yaml", otherCalls.getBytes(StandardCharsets.UTF_8))));
        List<String> errors = e.errors().stream().map(PolicyError::toString).toList();
        assertEquals(4, errors.size(), errors.toString());
        assertTrue(
                errors.get(0)
                        .startsWith("c.yaml:5: rules[0].jira.url: calls https://jira.example.com:443 with"
                                + " DEPLOY_KEY, which no ticket rule in force calls (at that path or above) with these"
                                + " variables"),
                errors.get(0));
        assertTrue(
                errors.get(1)
                        .startsWith("c.yaml:11: rules[0].url: calls https://collector.example.net:443/verdict with"
                                + " CHECKS_TOKEN"),
                errors.get(1));
        assertTrue(
                errors.get(2).contains("calls https://checks.example.com:443/other with CHECKS_TOKEN, which no http"),
                errors.get(2));
        assertTrue(
                errors.get(3).contains("calls https://jira.example.com:443 with JIRA_TOKEN, which no http"),
                errors.get(3));
    }

    @Test
    void theServiceSendsOnlyTheVariablesTheOperatorListedAndOnlyWhereListed() {
        PolicyLoader service = new PolicyLoader(
                RuleTypes.builtIn(),
                SecretGrants.of(List.of("JIRA_TOKEN@jira.example.com", "CAB_TOKEN@https://cab.example.com")));
        String jira = "name: tickets\nrules:\n  - type: ticket\n    jira:\n      url: https://jira.example.com\n"
                + "      tokenEnv: JIRA_TOKEN\n";
        String cab =
                "name: cab\nrules:\n  - type: http\n    url: https://cab.example.com/verdict\n    tokenEnv: CAB_TOKEN\n";
        assertEquals(
                2,
                service.load(Map.of("ok.yaml", (jira + "---\n" + cab).getBytes(StandardCharsets.UTF_8)))
                        .policies()
                        .size());

        // The Jira token to a plug-in's host, a variable nobody listed, a listed one over plain http.
        String leaks = "name: leak\nrules:\n  - type: http\n    url: https://collector.example.net/x\n"
                + "    tokenEnv: JIRA_TOKEN\n---\n"
                + "name: other\nrules:\n  - type: http\n    url: https://cab.example.com/verdict\n    tokenEnv: HOME\n---\n"
                + cab.replace("https://cab", "http://cab").replace("name: cab", "name: plain");
        PolicyLoadException e = assertThrows(
                PolicyLoadException.class,
                () -> service.load(Map.of("leak.yaml", leaks.getBytes(StandardCharsets.UTF_8))));
        List<String> errors = e.errors().stream().map(PolicyError::toString).toList();
        assertEquals(
                List.of(
                        "leak.yaml:4: rules[0].url: JIRA_TOKEN may not be sent to collector.example.net:"
                                + " policy-gate.policies.allowed-secrets allows it only to jira.example.com",
                        "leak.yaml:10: rules[0].url: HOME may not be sent to cab.example.com:"
                                + " policy-gate.policies.allowed-secrets does not list it (add HOME@cab.example.com if this"
                                + " service is meant to have it)",
                        "leak.yaml:16: rules[0].url: CAB_TOKEN may not be sent to cab.example.com:"
                                + " policy-gate.policies.allowed-secrets allows it only to https://cab.example.com"),
                errors);
    }

    @Test
    void aQuarkusProfileDoesNotHidePolicyGatesOwnSettings() {
        PolicyLoadException e = assertThrows(
                PolicyLoadException.class,
                () -> loader.load(Map.of(
                        "p.yaml",
                        ("name: a\nrules:\n  - type: http\n    url: https://x.example\n"
                                        + "    tokenEnv: _PROD_POLICY_GATE_GITLAB_TOKEN\n")
                                .getBytes(StandardCharsets.UTF_8))));
        assertTrue(
                e.getMessage().contains("'_PROD_POLICY_GATE_GITLAB_TOKEN' is one of policy-gate's own settings"),
                e.getMessage());
    }

    @Test
    void missingDirectoryIsAnError(@TempDir Path dir) {
        PolicyLoadException e = assertThrows(PolicyLoadException.class, () -> loader.load(dir.resolve("nope")));
        assertTrue(e.getMessage().contains("policy directory does not exist"), e.getMessage());
    }

    @Test
    void shippedExamplePoliciesLoad() {
        PolicySet set = loader.load(Path.of("policies"));
        assertEquals(
                List.of("compliance-review", "jira-ticket", "protected-paths"),
                set.policies().stream().map(Policy::name).toList());
    }
}
