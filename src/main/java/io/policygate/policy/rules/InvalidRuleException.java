package io.policygate.policy.rules;

/** A rule configuration that binds but cannot work; {@code field} is relative to the rule, e.g. "pattern". */
public class InvalidRuleException extends RuntimeException {

    private final String field;

    public InvalidRuleException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
