package io.policygate.policy;

import java.util.List;

/**
 * One applicable policy's rule results. {@code failed}: some rule failed, whatever its mode (the policy
 * would fail if enforced); {@code blocking}: some enforced rule failed, so the check fails.
 */
public record PolicyResult(
        String policy, String file, PolicyMode mode, boolean failed, Boolean blocking, List<RuleResult> rules) {

    public PolicyResult {
        rules = List.copyOf(rules);
        // Verdicts stored before rules had a mode: an enforced policy that failed blocked.
        blocking = blocking == null ? failed && mode == PolicyMode.ENFORCE : blocking;
    }

    /** The results of a policy's rules; in an audit policy every rule is audited. */
    static PolicyResult of(Policy policy, List<RuleResult> rules) {
        List<RuleResult> moded = policy.mode() == PolicyMode.AUDIT
                ? rules.stream().map(r -> r.inMode(PolicyMode.AUDIT)).toList()
                : rules;
        boolean failed = moded.stream().anyMatch(r -> r.outcome().blocks());
        boolean blocking = moded.stream().anyMatch(RuleResult::failsCheck);
        return new PolicyResult(policy.name(), policy.source().file(), policy.mode(), failed, blocking, moded);
    }

    /** Failed, but only through audited rules: what audit mode is there to show. */
    public boolean failsOnlyInAudit() {
        return failed && !blocking;
    }

    /** Some rule's failure was excused by a waiver. */
    public boolean waived() {
        return rules.stream().anyMatch(r -> r.outcome() == Outcome.WAIVED);
    }

    /** The waivers that excused a rule of this policy, by id, each once. */
    public List<String> waiverIds() {
        return rules.stream()
                .filter(r -> r.waiver() != null)
                .map(r -> r.waiver().id())
                .distinct()
                .toList();
    }

    /**
     * The policy's result in one word, each kept apart from the others: failed (an enforced rule failed),
     * audit-failed (only audited rules failed), waived (nothing failed because a waiver excused it), passed.
     */
    public String outcomeName() {
        if (blocking) {
            return "failed";
        }
        if (failed) {
            return "audit-failed";
        }
        return waived() ? "waived" : "passed";
    }
}
