package io.policygate.gitlab;

import io.policygate.policy.DataUnavailableException;

/**
 * GitLab answered a read with a status that is not worth another try (see ReportOutcome#transientStatus): the
 * token may not see it, or it does not exist. Not retried.
 */
public class GitLabRefusal extends DataUnavailableException {

    private final int status;

    public GitLabRefusal(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
