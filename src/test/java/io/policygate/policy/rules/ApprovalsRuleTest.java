package io.policygate.policy.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.policygate.policy.Approval;
import io.policygate.policy.CodeOwnerRule;
import io.policygate.policy.FakeMergeRequest;
import io.policygate.policy.FakeMergeRequestData;
import io.policygate.policy.Outcome;
import io.policygate.policy.RuleResult;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Segregation of duties from GitLab's approvals: who counts, and why each approval does or does not. */
class ApprovalsRuleTest {

    private static final Instant AT = Instant.parse("2026-12-03T10:15:00Z");

    /** The sample merge request's author is root; ada wrote its commit. */
    private static RuleResult evaluate(
            ApprovalsRule.Config config, List<Approval> approvals, List<CodeOwnerRule> owners) {
        FakeMergeRequestData data = FakeMergeRequestData.commits(FakeMergeRequestData.commit("PAY-1 change"))
                .with(approvals, owners, Map.of("bank/compliance", Set.of("carol", "dave")));
        return RuleTables.evaluate(ApprovalsRule.TYPE, config, FakeMergeRequest.sample(), data);
    }

    private static Approval approval(String username, String name) {
        return new Approval(username, name, AT);
    }

    @Test
    void twoApprovalsOneFromComplianceNeitherByTheAuthor() {
        ApprovalsRule.Config config =
                new ApprovalsRule.Config(2, List.of("alice", "@bank/compliance"), null, null, null);
        RuleResult result = evaluate(
                config,
                List.of(approval("root", "Root"), approval("alice", "Alice"), approval("carol", "Carol")),
                List.of());
        assertEquals(Outcome.PASSED, result.outcome(), result.message());
        assertEquals("2 approvals that count: alice, carol", result.message());
        assertEquals(
                List.of(
                        "root at 2026-12-03T10:15:00Z: does not count, the author",
                        "alice at 2026-12-03T10:15:00Z: counts",
                        "carol at 2026-12-03T10:15:00Z: counts"),
                result.evidence().seen().get("approvals"));
        assertEquals(
                "2 approvals from alice, @bank/compliance, not by the author",
                result.evidence().expected());
    }

    @Test
    void approvalsThatDoNotCountAreNamedWithTheReason() {
        ApprovalsRule.Config config = new ApprovalsRule.Config(2, List.of("@bank/compliance"), true, true, null);
        RuleResult result = evaluate(
                config, List.of(approval("ada", "Ada"), approval("bob", "Bob"), approval("dave", "Dave")), List.of());
        assertEquals(Outcome.FAILED, result.outcome());
        assertEquals(
                "1 of 2 approvals that count (dave); not counted: ada (authored commit 01234567), bob (not one of"
                        + " @bank/compliance)",
                result.message());
    }

    @Test
    void everyRequiredCodeOwnerRuleMustBeApproved() {
        ApprovalsRule.Config config = new ApprovalsRule.Config(1, null, null, null, true);
        RuleResult result = evaluate(
                config,
                List.of(approval("bob", "Bob")),
                List.of(new CodeOwnerRule("[Payments]", true), new CodeOwnerRule("[Database]", false)));
        assertEquals(Outcome.FAILED, result.outcome());
        assertEquals("code owners have not approved: [Database]", result.message());
    }

    @Test
    void aRuleThatNeedsNoApprovalIsRefused() {
        InvalidRuleException refused = assertThrows(
                InvalidRuleException.class,
                () -> ApprovalsRule.TYPE.create(new ApprovalsRule.Config(0, null, null, null, null)));
        assertEquals("min", refused.field());
        InvalidRuleException emptyGroup = assertThrows(
                InvalidRuleException.class,
                () -> ApprovalsRule.TYPE.create(new ApprovalsRule.Config(1, List.of("@"), null, null, null)));
        assertEquals("from[0]", emptyGroup.field());
    }
}
