package io.policygate.preview;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.policygate.policy.Outcome;
import io.policygate.policy.PolicyMode;
import io.policygate.policy.PolicyResult;
import io.policygate.policy.RuleResult;
import io.policygate.policy.Verdict;
import io.policygate.policy.VerdictStatus;
import io.policygate.policy.WaiverUse;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which rules a preview says differ, when a candidate adds, removes or moves rules within a policy, or ends or adds a
 * waiver.
 */
class RuleChangesTest {

    private static final RuleResult NO_TICKET = RuleResult.failed("ticket", "Reference a ticket", null);
    private static final RuleResult LABELLED = RuleResult.passed("labels", "labelled", null);
    private static final RuleResult DRAFT = RuleResult.failed("draft", "Still a draft", null);

    private static Verdict release(RuleResult... rules) {
        return new Verdict(
                VerdictStatus.FAILED,
                VerdictStatus.FAILED,
                "",
                List.of(new PolicyResult("release", "release.yaml", PolicyMode.ENFORCE, true, true, List.of(rules))));
    }

    private static List<String> changes(Verdict live, Verdict candidate) {
        return PolicyPreview.ruleChanges(live, candidate).stream()
                .map(c -> c.policy() + "[" + c.rule() + "] " + c.type() + ": " + c.live() + " -> " + c.candidate())
                .toList();
    }

    @Test
    void aRuleAddedBeforeOthersIsTheOnlyChange() {
        assertEquals(
                List.of("release[0] draft: not applied -> failed"),
                changes(release(NO_TICKET, LABELLED), release(DRAFT, NO_TICKET, LABELLED)));
    }

    @Test
    void aRemovedRuleIsShownAtItsPlaceInForce() {
        assertEquals(
                List.of("release[0] ticket: failed -> not applied"),
                changes(release(NO_TICKET, LABELLED), release(LABELLED)));
    }

    @Test
    void rulesMovedWithinAPolicyAreUnchangedAndRulesOfOneTypeAreTakenInOrder() {
        RuleResult secondLabels = RuleResult.failed("labels", "needs security-reviewed", null);
        assertEquals(List.of(), changes(release(NO_TICKET, LABELLED), release(LABELLED, NO_TICKET)));
        assertEquals(
                List.of("release[2] labels: not applied -> failed"),
                changes(release(NO_TICKET, LABELLED), release(NO_TICKET, LABELLED, secondLabels)));
    }

    @Test
    void aCandidateThatEndsOrAddsAWaiverShowsTheRuleItExcused() {
        RuleResult waived = new RuleResult(
                "ticket",
                Outcome.WAIVED,
                "Reference a ticket",
                null,
                PolicyMode.ENFORCE,
                new WaiverUse("W-2026-014", "Vendor import", "jane.doe", "2027-01-31", Outcome.FAILED));
        assertEquals(
                List.of("release[0] ticket: waived (W-2026-014) -> failed"),
                changes(release(waived, LABELLED), release(NO_TICKET, LABELLED)));
        assertEquals(
                List.of("release[0] ticket: failed -> waived (W-2026-014)"),
                changes(release(NO_TICKET, LABELLED), release(waived, LABELLED)));
        assertEquals(List.of(), changes(release(waived, LABELLED), release(waived, LABELLED)));
    }
}
