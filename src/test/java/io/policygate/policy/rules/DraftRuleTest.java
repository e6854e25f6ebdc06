package io.policygate.policy.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.policygate.policy.FakeMergeRequest;
import io.policygate.policy.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DraftRuleTest {

    @ParameterizedTest
    @CsvSource({"true, FAILED", "false, PASSED"})
    void table(boolean draft, Outcome outcome) {
        assertEquals(
                outcome,
                RuleTables.evaluate(
                                DraftRule.TYPE,
                                new DraftRule.Config(null),
                                FakeMergeRequest.sample().withDraft(draft))
                        .outcome());
    }

    @Test
    void forbidFalseIsRefusedAsARuleThatDoesNothing() {
        InvalidRuleException e =
                assertThrows(InvalidRuleException.class, () -> DraftRule.TYPE.create(new DraftRule.Config(false)));
        assertEquals("forbid", e.field());
    }
}
