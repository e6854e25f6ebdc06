package io.policygate.policy.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.policygate.policy.FakeMergeRequest;
import io.policygate.policy.Outcome;
import io.policygate.policy.RuleResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BranchRuleTest {

    @ParameterizedTest
    @CsvSource({
        "feature/PAY-1-x, main, PASSED",
        "hotfix/urgent, main, PASSED",
        "root-main-patch-30152, main, FAILED",
        "feature/x, develop, FAILED"
    })
    void table(String source, String target, Outcome outcome) {
        RuleResult result = RuleTables.evaluate(
                BranchRule.TYPE,
                new BranchRule.Config("^(feature|hotfix)/", "^(main|release/.+)$"),
                FakeMergeRequest.sample().withSourceBranch(source).withTargetBranch(target));
        assertEquals(outcome, result.outcome(), result.message());
        assertEquals(source, result.evidence().seen().get("sourceBranch"));
    }

    @Test
    void failureNamesTheBranchAndThePattern() {
        RuleResult result = RuleTables.evaluate(
                BranchRule.TYPE, new BranchRule.Config("^feature/", null), FakeMergeRequest.sample());
        assertEquals("source branch 'root-main-patch-30152' does not match ^feature/", result.message());
    }

    @Test
    void invalidConfigIsRefused() {
        assertThrows(InvalidRuleException.class, () -> BranchRule.TYPE.create(new BranchRule.Config(null, null)));
        InvalidRuleException e = assertThrows(
                InvalidRuleException.class, () -> BranchRule.TYPE.create(new BranchRule.Config(null, "(")));
        assertEquals("target", e.field());
        assertTrue(e.getMessage().contains("invalid regular expression"));
    }
}
