package io.policygate.policy;

/** Facts a rule needs could not be read (GitLab down after retries, no GitLab configured). */
public class DataUnavailableException extends RuntimeException {

    public DataUnavailableException(String message) {
        super(message);
    }

    public DataUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
