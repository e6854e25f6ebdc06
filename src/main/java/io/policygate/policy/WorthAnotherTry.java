package io.policygate.policy;

/**
 * Which HTTP statuses of a service policy-gate calls are worth another try, the same for GitLab and for the
 * services rules consult (Jira, http plug-ins): a timeout (408), too early (425), too many requests (429) or a
 * server error (5xx). Anything else is the service's answer.
 */
public final class WorthAnotherTry {

    private WorthAnotherTry() {}

    public static boolean status(int status) {
        return status == 408 || status == 425 || status == 429 || status >= 500;
    }
}
