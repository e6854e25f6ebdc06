package io.policygate.policy.cel;

/** A CEL text in a policy file that cannot be used; the loader adds file, line and field. */
public class InvalidConditionException extends RuntimeException {

    public InvalidConditionException(String message) {
        super(message);
    }
}
