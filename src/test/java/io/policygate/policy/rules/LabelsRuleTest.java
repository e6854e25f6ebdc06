package io.policygate.policy.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.policygate.policy.FakeMergeRequest;
import io.policygate.policy.Outcome;
import io.policygate.policy.RuleResult;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LabelsRuleTest {

    static Stream<Arguments> cases() {
        LabelsRule.Config config = new LabelsRule.Config(List.of("reviewed", "tested"), List.of("do-not-merge"));
        FakeMergeRequest mr = FakeMergeRequest.sample();
        return Stream.of(
                Arguments.of(mr, Outcome.FAILED, "missing label reviewed, tested"),
                Arguments.of(mr.withLabels("reviewed"), Outcome.FAILED, "missing label tested"),
                Arguments.of(mr.withLabels("tested", "reviewed"), Outcome.PASSED, "labels as required"),
                Arguments.of(
                        mr.withLabels("tested", "reviewed", "do-not-merge"),
                        Outcome.FAILED,
                        "label do-not-merge is not allowed"));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void table(FakeMergeRequest mr, Outcome outcome, String message) {
        RuleResult result = RuleTables.evaluate(
                LabelsRule.TYPE, new LabelsRule.Config(List.of("reviewed", "tested"), List.of("do-not-merge")), mr);
        assertEquals(outcome, result.outcome());
        assertEquals(message, result.message());
        assertEquals(mr.labels(), result.evidence().seen().get("labels"));
    }

    @Test
    void emptyConfigIsRefused() {
        InvalidRuleException e = assertThrows(
                InvalidRuleException.class, () -> LabelsRule.TYPE.create(new LabelsRule.Config(null, List.of())));
        assertTrue(e.getMessage().contains("require, forbid"));
    }
}
