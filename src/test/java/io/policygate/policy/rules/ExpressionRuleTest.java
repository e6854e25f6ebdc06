package io.policygate.policy.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.policygate.policy.DataUnavailableException;
import io.policygate.policy.FakeMergeRequest;
import io.policygate.policy.FakeMergeRequestData;
import io.policygate.policy.MergeRequestData;
import io.policygate.policy.Outcome;
import io.policygate.policy.RuleContext;
import io.policygate.policy.RuleResult;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ExpressionRuleTest {

    private static RuleResult evaluate(String expr, FakeMergeRequest mr) {
        return ExpressionRule.TYPE
                .create(new ExpressionRule.Config(expr))
                .evaluate(new RuleContext(mr, MergeRequestData.NONE, java.time.Instant.parse("2026-12-03T12:00:00Z")));
    }

    static Stream<Arguments> cases() {
        FakeMergeRequest sample = FakeMergeRequest.sample();
        String label = "mergeRequest.labels.exists(l, l == 'compliance-reviewed')";
        return Stream.of(
                Arguments.of(label, sample, Outcome.FAILED),
                Arguments.of(label, sample.withLabels("bug", "compliance-reviewed"), Outcome.PASSED),
                Arguments.of("mergeRequest.targetBranch != 'main'", sample, Outcome.FAILED),
                Arguments.of("mergeRequest.targetBranch != 'main'", sample.withTargetBranch("develop"), Outcome.PASSED),
                Arguments.of("!mergeRequest.draft", sample.withDraft(true), Outcome.FAILED),
                Arguments.of("project.id == 6 && project.path.startsWith('flightjs/')", sample, Outcome.PASSED),
                Arguments.of("statusCheck.name == 'QA' && mergeRequest.author.id == 1", sample, Outcome.PASSED),
                Arguments.of("mergeRequest.iid > 3 && mergeRequest.sha.size() == 40", sample, Outcome.PASSED),
                Arguments.of("mergeRequest.title.matches('^[A-Z]+-[0-9]+')", sample, Outcome.FAILED),
                // What fails only at run time (a label that is not there) is an error: fail closed.
                Arguments.of("mergeRequest.labels[5] == 'x'", sample, Outcome.ERROR));
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("cases")
    void table(String expr, FakeMergeRequest mr, Outcome outcome) {
        RuleResult result = evaluate(expr, mr);
        assertEquals(outcome, result.outcome(), result.message());
        assertEquals("true: " + expr, result.evidence().expected());
    }

    @Test
    void aConditionThatWalksTooManyElementsStopsWithAnErrorAndFreesTheThread() {
        // 1,000 files × 1,000 commits: a million steps of a nested comprehension, five times policy-gate's budget.
        List<io.policygate.policy.Change> changes = java.util.stream.IntStream.range(0, 1_000)
                .mapToObj(i -> FakeMergeRequestData.modified("src/F" + i + ".java", 1, 1))
                .toList();
        List<io.policygate.policy.Commit> commits = java.util.stream.IntStream.range(0, 1_000)
                .mapToObj(i -> FakeMergeRequestData.commit("commit " + i))
                .toList();
        long start = System.nanoTime();
        RuleResult result = evaluate(
                "changes.all(c, commits.all(m, !m.message.contains(c.path)))",
                FakeMergeRequestData.of(changes, commits));
        System.out.printf("CEL stopped at its iteration budget after %d ms%n", (System.nanoTime() - start) / 1_000_000);

        assertEquals(Outcome.ERROR, result.outcome(), result.message());
        assertTrue(
                result.message()
                        .contains("stopped after going through 200,000 elements in its comprehensions (all, exists,"
                                + " map, filter), policy-gate's limit for one evaluation"),
                result.message());
        // Within the budget the same condition is evaluated: the limit is not a cap on list sizes.
        assertEquals(
                Outcome.PASSED,
                evaluate(
                                "changes.all(c, commits.all(m, !m.message.contains(c.path)))",
                                FakeMergeRequestData.of(changes.subList(0, 150), commits))
                        .outcome());
    }

    @Test
    void changesAndCommitsAreReadOnlyWhenTheExpressionUsesThem() {
        FakeMergeRequestData data = FakeMergeRequestData.of(
                List.of(
                        FakeMergeRequestData.modified("deploy/prod.yaml", 1, 0),
                        FakeMergeRequestData.modified("src/A.java", 3, 1)),
                List.of(FakeMergeRequestData.commit("fix: a\n\nSigned-off-by: Ada <ada@example.com>")));
        assertEquals(
                Outcome.FAILED,
                evaluate("!changes.exists(c, glob(c.path, 'deploy/**'))", data).outcome());
        assertEquals(
                Outcome.PASSED,
                evaluate("changes.all(c, glob(c.path, '**.java') || glob(c.path, 'deploy/*'))", data)
                        .outcome());
        assertEquals(
                Outcome.PASSED,
                evaluate("commits.all(c, c.message.contains('Signed-off-by:'))", data)
                        .outcome());
        assertEquals(
                Outcome.PASSED,
                evaluate("size(changes) == 2 && changes[0].added == false", data)
                        .outcome());
        // No GitLab at all: an expression that never touches changes still evaluates.
        assertEquals(
                Outcome.PASSED,
                evaluate("mergeRequest.iid == 4", FakeMergeRequestData.of(null, null))
                        .outcome());
    }

    @Test
    void unreadableChangesFailClosed() {
        assertThrows(
                DataUnavailableException.class,
                () -> evaluate("size(changes) < 10", FakeMergeRequestData.of(null, List.of())));
    }

    private static RuleResult evaluate(String expr, FakeMergeRequestData data) {
        return ExpressionRule.TYPE
                .create(new ExpressionRule.Config(expr))
                .evaluate(new RuleContext(
                        FakeMergeRequest.sample(), data, java.time.Instant.parse("2026-12-03T12:00:00Z")));
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of("mergeRequest.title ==", "does not compile"),
                Arguments.of("unknownVariable == 1", "does not compile"),
                Arguments.of("1 + 2", "must be a boolean condition"),
                Arguments.of("'text'", "must be a boolean condition"),
                Arguments.of("glob(mergeRequest.title)", "does not compile"),
                // Only a webhook's body knew these; a body is a trigger, not evidence.
                Arguments.of(
                        "user.username == 'root'", "only in the webhook's body, which policy-gate no longer trusts"),
                Arguments.of("mergeRequest.action != 'approved'", "mergeRequest.action is not available"),
                // Type-checked against the fields there are: a misspelt one, and one that is no condition.
                Arguments.of("mergeRequest.lables.exists(l, l == 'x')", "undefined field 'lables'"),
                Arguments.of("mergeRequest.lables.exists(l, l == 'x')", ". Did you mean 'labels'?"),
                Arguments.of("mergeRequst.draft", ". Did you mean 'mergeRequest'?"),
                Arguments.of("mergeRequest.lables == []", "Known fields: mergeRequest.{iid, title,"),
                Arguments.of("mergeRequest.title", "must be a boolean condition, but this one gives string"),
                Arguments.of("changes.exists(c, c.size > 10)", "undefined field 'size'"),
                Arguments.of("  ", "is required"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void expressionsThatCannotWorkAreRefusedAtLoad(String expr, String message) {
        InvalidRuleException e = assertThrows(
                InvalidRuleException.class, () -> ExpressionRule.TYPE.create(new ExpressionRule.Config(expr)));
        assertEquals("expr", e.field());
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }
}
