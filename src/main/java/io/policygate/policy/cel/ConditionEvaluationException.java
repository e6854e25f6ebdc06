package io.policygate.policy.cel;

/** A compiled CEL condition that failed for one merge request. */
public class ConditionEvaluationException extends RuntimeException {

    public ConditionEvaluationException(String message) {
        super(message);
    }
}
