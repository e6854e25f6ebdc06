package io.policygate.policy;

/**
 * One rule's conclusion with the human message and the evidence behind it, and whether it decides the
 * check ({@code enforce}) or is only recorded ({@code audit}: its own mode, or its policy's). {@code waiver} is the
 * waiver that excused it when the outcome is {@code waived}, null otherwise.
 */
public record RuleResult(
        String type, Outcome outcome, String message, Evidence evidence, PolicyMode mode, WaiverUse waiver) {

    public RuleResult {
        // Verdicts stored before rules had a mode were all enforced.
        mode = mode == null ? PolicyMode.ENFORCE : mode;
    }

    /** An enforced result: what rule types (plug-ins too) return; the policy applies the rule's mode. */
    public RuleResult(String type, Outcome outcome, String message, Evidence evidence) {
        this(type, outcome, message, evidence, PolicyMode.ENFORCE, null);
    }

    public static RuleResult passed(String type, String message, Evidence evidence) {
        return new RuleResult(type, Outcome.PASSED, message, evidence);
    }

    public static RuleResult failed(String type, String message, Evidence evidence) {
        return new RuleResult(type, Outcome.FAILED, message, evidence);
    }

    public static RuleResult error(String type, String message, Evidence evidence) {
        return new RuleResult(type, Outcome.ERROR, message, evidence);
    }

    /** True when this result fails the check: an enforced rule that failed or could not be checked. */
    public boolean failsCheck() {
        return outcome.blocks() && mode == PolicyMode.ENFORCE;
    }

    /** True when this result would fail the check if audit mode were switched off. */
    public boolean failsWhenEnforced() {
        return outcome.blocks() && mode == PolicyMode.AUDIT;
    }

    RuleResult inMode(PolicyMode audited) {
        return audited == mode ? this : new RuleResult(type, outcome, message, evidence, audited, waiver);
    }

    /** This failed or erred result, excused by {@code by}: the message and evidence stay, the outcome is waived. */
    RuleResult waivedBy(Waiver by) {
        return new RuleResult(
                type,
                Outcome.WAIVED,
                message,
                evidence,
                mode,
                new WaiverUse(
                        by.id(), by.reason(), by.approvedBy(), by.expires().toString(), outcome));
    }
}
