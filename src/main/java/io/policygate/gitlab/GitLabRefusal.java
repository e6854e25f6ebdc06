package io.policygate.gitlab;

import io.policygate.policy.DataUnavailableException;

/**
 * GitLab refused a read ({@link GitLabAnswer.Refused}): the token may not see it, or it does not exist. Not
 * retried; the message says what to fix.
 */
public class GitLabRefusal extends DataUnavailableException {

    private final transient GitLabAnswer.Refused refused;

    GitLabRefusal(GitLabAnswer.Refused refused) {
        super(refused.detail());
        this.refused = refused;
    }

    public int status() {
        return refused.status();
    }

    /** What GitLab said, without the fix. */
    public String answer() {
        return refused.answer();
    }
}
