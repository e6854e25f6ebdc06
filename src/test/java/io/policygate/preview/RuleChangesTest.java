package io.policygate.preview;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.policygate.policy.PolicyMode;
import io.policygate.policy.PolicyResult;
import io.policygate.policy.RuleResult;
import io.policygate.policy.Verdict;
import io.policygate.policy.VerdictStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which rules a preview says differ, when a candidate adds, removes or moves rules within a policy. */
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
}
