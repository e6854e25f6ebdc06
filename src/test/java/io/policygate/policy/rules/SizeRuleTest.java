package io.policygate.policy.rules;

import static io.policygate.policy.FakeMergeRequestData.modified;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.policygate.policy.FakeMergeRequest;
import io.policygate.policy.FakeMergeRequestData;
import io.policygate.policy.Outcome;
import io.policygate.policy.RuleResult;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SizeRuleTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(FakeMergeRequestData.changes(modified("a", 10, 5)), Outcome.PASSED, "1 files, 15 lines"),
                Arguments.of(
                        FakeMergeRequestData.changes(modified("a", 10, 5), modified("b", 1, 0), modified("c", 1, 0)),
                        Outcome.FAILED,
                        "3 changed files, at most 2 allowed; split the merge request"),
                Arguments.of(
                        FakeMergeRequestData.changes(modified("a", 90, 20)),
                        Outcome.FAILED,
                        "110 changed lines, at most 100 allowed; split the merge request"));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void table(FakeMergeRequestData data, Outcome outcome, String message) {
        RuleResult result =
                RuleTables.evaluate(SizeRule.TYPE, new SizeRule.Config(2, 100), FakeMergeRequest.sample(), data);
        assertEquals(outcome, result.outcome());
        assertEquals(message, result.message());
    }

    @Test
    void diffHeadersAreNotCountedAsLines() {
        io.policygate.policy.Change change = new io.policygate.policy.Change(
                "a", "a", false, false, false, "--- a/a\n+++ b/a\n@@ -1,2 +1,2 @@\n-x\n+y\n context\n");
        assertEquals(1, change.addedLines());
        assertEquals(1, change.deletedLines());
    }

    @Test
    void limitsMustBePositive() {
        assertThrows(InvalidRuleException.class, () -> SizeRule.TYPE.create(new SizeRule.Config(null, null)));
        assertThrows(InvalidRuleException.class, () -> SizeRule.TYPE.create(new SizeRule.Config(0, null)));
    }
}
