package io.policygate.policy;

/** One rule's conclusion with the human message and the evidence behind it. */
public record RuleResult(String type, Outcome outcome, String message, Evidence evidence) {

    public static RuleResult passed(String type, String message, Evidence evidence) {
        return new RuleResult(type, Outcome.PASSED, message, evidence);
    }

    public static RuleResult failed(String type, String message, Evidence evidence) {
        return new RuleResult(type, Outcome.FAILED, message, evidence);
    }

    public static RuleResult error(String type, String message, Evidence evidence) {
        return new RuleResult(type, Outcome.ERROR, message, evidence);
    }
}
