package io.policygate.policy;

/**
 * What a rule needs is larger than policy-gate reads (policy-gate.gitlab.max-answer-size). Not a passing state of
 * GitLab: reading again gives the same, so the rule fails closed now instead of the check waiting for a read that
 * cannot succeed.
 */
public class TooLargeToJudgeException extends DataUnavailableException {

    public TooLargeToJudgeException(String message) {
        super(message);
    }
}
