package io.policygate.policy.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.policygate.policy.FakeMergeRequest;
import io.policygate.policy.Outcome;
import io.policygate.policy.RuleResult;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TitleRuleTest {

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "feat: add SEPA payouts | PASSED",
                "fix(api): reject negative amounts | PASSED",
                "feat(api)!: drop v1 endpoints | PASSED",
                "Update README.md | FAILED",
                "feat:missing space | FAILED",
                "feature: not a type | FAILED",
                "Draft: feat: not yet | FAILED"
            })
    void conventionalCommits(String title, Outcome outcome) {
        RuleResult result = RuleTables.evaluate(
                TitleRule.TYPE,
                new TitleRule.Config(null, true, null),
                FakeMergeRequest.sample().withTitle(title));
        assertEquals(outcome, result.outcome(), result.message());
    }

    @Test
    void customTypes() {
        TitleRule.Config config = new TitleRule.Config(null, true, List.of("change", "fix"));
        assertEquals(
                Outcome.PASSED,
                RuleTables.evaluate(
                                TitleRule.TYPE,
                                config,
                                FakeMergeRequest.sample().withTitle("change: x"))
                        .outcome());
        assertEquals(
                Outcome.FAILED,
                RuleTables.evaluate(
                                TitleRule.TYPE,
                                config,
                                FakeMergeRequest.sample().withTitle("feat: x"))
                        .outcome());
    }

    @Test
    void pattern() {
        RuleResult result = RuleTables.evaluate(
                TitleRule.TYPE, new TitleRule.Config("^\\[[A-Z]+\\] ", null, null), FakeMergeRequest.sample());
        assertEquals(Outcome.FAILED, result.outcome());
        assertEquals("title 'Update README.md' is not a title matching ^\\[[A-Z]+\\] ", result.message());
    }

    @Test
    void exactlyOneOfPatternAndConventional() {
        assertThrows(InvalidRuleException.class, () -> TitleRule.TYPE.create(new TitleRule.Config(null, null, null)));
        assertThrows(InvalidRuleException.class, () -> TitleRule.TYPE.create(new TitleRule.Config("x", true, null)));
        assertThrows(
                InvalidRuleException.class,
                () -> TitleRule.TYPE.create(new TitleRule.Config(null, true, List.of("Feat"))));
    }
}
