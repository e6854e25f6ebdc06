package io.policygate.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.policygate.policy.rules.RuleTypes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PolicyEngineTest {

    private static final Instant TODAY = Instant.parse("2026-12-03T12:00:00Z");

    private static final String FAILING_RULES =
            "rules:\n  - type: expression\n    expr: 'false'\n    message: always fails\n";

    private static PolicySet policies(String yaml) {
        List<PolicyError> errors = new ArrayList<>();
        List<Policy> parsed = new PolicyLoader(RuleTypes.builtIn()).parse("t.yaml", yaml, errors);
        assertEquals(List.of(), errors);
        return new PolicySet(parsed, List.of(), List.of());
    }

    private static Verdict evaluate(String yaml, MergeRequestContext mr) {
        return new PolicyEngine(VerdictStatus.PASSED).evaluate(policies(yaml), mr, MergeRequestData.NONE, TODAY);
    }

    static Stream<Arguments> selection() {
        FakeMergeRequest sample = FakeMergeRequest.sample();
        return Stream.of(
                Arguments.of("no appliesTo", "", sample, true),
                Arguments.of("project id", "appliesTo:\n  projects: [6]\n", sample, true),
                Arguments.of("other project id", "appliesTo:\n  projects: [7]\n", sample, false),
                Arguments.of("project glob", "appliesTo:\n  projects: ['flightjs/*']\n", sample, true),
                Arguments.of(
                        "glob stays in its segment",
                        "appliesTo:\n  projects: ['flightjs/*']\n",
                        sample.withProject(9, "flightjs/sub/Flight"),
                        false),
                Arguments.of(
                        "double star crosses segments",
                        "appliesTo:\n  projects: ['flightjs/**']\n",
                        sample.withProject(9, "flightjs/sub/Flight"),
                        true),
                Arguments.of("id or glob", "appliesTo:\n  projects: [7, 'flightjs/*']\n", sample, true),
                Arguments.of("target branch", "appliesTo:\n  targetBranches: [main]\n", sample, true),
                Arguments.of(
                        "release glob",
                        "appliesTo:\n  targetBranches: ['release/*']\n",
                        sample.withTargetBranch("release/2.1"),
                        true),
                Arguments.of("other target", "appliesTo:\n  targetBranches: ['release/*']\n", sample, false),
                Arguments.of("status check glob", "appliesTo:\n  statusChecks: ['Q*']\n", sample, true),
                Arguments.of("other status check", "appliesTo:\n  statusChecks: ['Compliance*']\n", sample, false),
                Arguments.of(
                        "no check name (plain webhook)",
                        "appliesTo:\n  statusChecks: ['Q*']\n",
                        sample.withStatusCheckName(""),
                        false),
                Arguments.of("when true", "appliesTo:\n  when: '!mergeRequest.draft'\n", sample, true),
                Arguments.of(
                        "when false", "appliesTo:\n  when: '!mergeRequest.draft'\n", sample.withDraft(true), false),
                Arguments.of(
                        "all must hold", "appliesTo:\n  projects: [6]\n  targetBranches: [develop]\n", sample, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("selection")
    void appliesToSelectsPolicies(String name, String appliesTo, FakeMergeRequest mr, boolean applies) {
        Verdict verdict = evaluate("name: p\n" + appliesTo + FAILING_RULES, mr);
        assertEquals(applies ? 1 : 0, verdict.policies().size());
        assertEquals(applies ? VerdictStatus.FAILED : VerdictStatus.PASSED, verdict.status());
    }

    @Test
    void noApplicablePolicyGivesTheConfiguredVerdict() {
        PolicySet none = policies("name: p\nappliesTo:\n  projects: [7]\n" + FAILING_RULES);
        FakeMergeRequest mr = FakeMergeRequest.sample();
        assertEquals(
                VerdictStatus.PASSED,
                new PolicyEngine(VerdictStatus.PASSED)
                        .evaluate(none, mr, MergeRequestData.NONE, TODAY)
                        .status());
        Verdict failed = new PolicyEngine(VerdictStatus.FAILED).evaluate(none, mr, MergeRequestData.NONE, TODAY);
        assertEquals(VerdictStatus.FAILED, failed.status());
        assertEquals("no policy applies", failed.summary());
    }

    @Test
    void auditPolicyIsRecordedButDoesNotFailTheVerdict() {
        Verdict verdict = evaluate("name: watch\nmode: audit\n" + FAILING_RULES, FakeMergeRequest.sample());
        assertEquals(VerdictStatus.PASSED, verdict.status());
        assertEquals(true, verdict.policies().get(0).failed());
        assertEquals("passed; audit only, would fail: watch", verdict.summary());
    }

    @Test
    void auditPolicyTellsWhatTheVerdictWouldBeIfEnforced() {
        Verdict verdict = evaluate("name: watch\nmode: audit\n" + FAILING_RULES, FakeMergeRequest.sample());
        assertEquals(VerdictStatus.FAILED, verdict.ifEnforced());
        assertEquals(false, verdict.policies().get(0).blocking());
        assertEquals(PolicyMode.AUDIT, verdict.policies().get(0).rules().get(0).mode());
    }

    @Test
    void anAuditedRuleInAnEnforcedPolicyIsShownButDoesNotFail() {
        Verdict verdict = evaluate(
                "name: mixed\nrules:\n  - type: expression\n    expr: 'true'\n"
                        + "  - type: expression\n    expr: 'false'\n    mode: audit\n",
                FakeMergeRequest.sample());
        assertEquals(VerdictStatus.PASSED, verdict.status());
        assertEquals(VerdictStatus.FAILED, verdict.ifEnforced());
        assertEquals("passed; audit only, would fail: mixed", verdict.summary());
        PolicyResult mixed = verdict.policies().get(0);
        assertEquals(true, mixed.failed());
        assertEquals(false, mixed.blocking());
        assertEquals(
                List.of(PolicyMode.ENFORCE, PolicyMode.AUDIT),
                mixed.rules().stream().map(RuleResult::mode).toList());
    }

    @Test
    void anEnforcedFailureBesideAnAuditedOneFailsAndNamesBoth() {
        Verdict verdict = evaluate(
                "name: strict\n" + FAILING_RULES + "---\nname: watch\nmode: audit\n" + FAILING_RULES,
                FakeMergeRequest.sample());
        assertEquals(VerdictStatus.FAILED, verdict.status());
        assertEquals("failed: strict; audit only, would fail: watch", verdict.summary());
    }

    @Test
    void aPassWithNothingAuditedFailingPassesIfEnforcedToo() {
        Verdict verdict = evaluate(
                "name: ok\nrules:\n  - type: expression\n    expr: 'true'\n    mode: audit\n",
                FakeMergeRequest.sample());
        assertEquals(VerdictStatus.PASSED, verdict.ifEnforced());
    }

    @Test
    void everyRuleResultIsKeptWithTheAuthorsMessageOnFailure() {
        Verdict verdict = evaluate(
                "name: p\nrules:\n  - type: expression\n    expr: 'true'\n"
                        + "  - type: ticket\n    message: Name a ticket.\n",
                FakeMergeRequest.sample());
        List<RuleResult> rules = verdict.policies().get(0).rules();
        assertEquals(
                List.of(Outcome.PASSED, Outcome.FAILED),
                rules.stream().map(RuleResult::outcome).toList());
        assertEquals("Name a ticket.", rules.get(1).message());
        assertEquals("failed: p", verdict.summary());
    }

    @Test
    void ruleThatCannotReadItsDataFailsClosedUnlessItSaysSkip() {
        FakeMergeRequestData gitLabDown = FakeMergeRequestData.of(null, null);
        String rule = "rules:\n  - type: size\n    maxFiles: 10\n    message: Split it.\n";
        Verdict closed = new PolicyEngine(VerdictStatus.PASSED)
                .evaluate(policies("name: p\n" + rule), FakeMergeRequest.sample(), gitLabDown, TODAY);
        RuleResult error = closed.policies().get(0).rules().get(0);
        assertEquals(VerdictStatus.FAILED, closed.status());
        assertEquals(Outcome.ERROR, error.outcome());
        assertEquals("could not read what this rule needs: GitLab answered 503 three times", error.message());

        Verdict skipped = new PolicyEngine(VerdictStatus.PASSED)
                .evaluate(
                        policies("name: p\n" + rule + "    onError: skip\n"),
                        FakeMergeRequest.sample(),
                        gitLabDown,
                        TODAY);
        assertEquals(VerdictStatus.PASSED, skipped.status());
        assertEquals(Outcome.SKIPPED, skipped.policies().get(0).rules().get(0).outcome());
    }

    @Test
    void eachPieceOfGitLabDataIsReadAtMostOncePerEvaluation() {
        int[] reads = {0};
        MergeRequestData counting = FakeMergeRequestData.of(List.of(), List.of());
        MergeRequestData counted = new MergeRequestData() {
            @Override
            public List<Change> changes() {
                reads[0]++;
                return counting.changes();
            }

            @Override
            public List<Commit> commits() {
                return counting.commits();
            }

            @Override
            public String authorUsername() {
                return counting.authorUsername();
            }

            @Override
            public List<Approval> approvals() {
                return counting.approvals();
            }

            @Override
            public List<CodeOwnerRule> codeOwnerRules() {
                return counting.codeOwnerRules();
            }

            @Override
            public java.util.Set<String> groupMembers(String group) {
                return counting.groupMembers(group);
            }
        };
        new PolicyEngine(VerdictStatus.PASSED)
                .evaluate(
                        policies(
                                "name: p\nrules:\n  - type: size\n    maxFiles: 1\n"
                                        + "  - type: paths\n    forbid: [x]\n  - type: expression\n    expr: size(changes) < 5\n"),
                        FakeMergeRequest.sample(),
                        counted,
                        TODAY);
        assertEquals(1, reads[0]);
    }

    @Test
    void whenThatCannotBeDecidedFailsClosed() {
        Verdict verdict = evaluate(
                "name: p\nappliesTo:\n  when: 'mergeRequest.labels[9] == \"x\"'\n"
                        + "rules:\n  - type: expression\n    expr: 'true'\n",
                FakeMergeRequest.sample());
        assertEquals(VerdictStatus.FAILED, verdict.status());
        assertEquals(Outcome.ERROR, verdict.policies().get(0).rules().get(0).outcome());
    }
}
