package io.policygate.policy;

import java.util.List;

/**
 * Facts about a merge request that its webhook payload does not carry and that must be read from
 * GitLab. Rules ask for them through {@link RuleContext}, which reads each at most once per
 * evaluation and only if a rule needs it. Every method may throw {@link DataUnavailableException}.
 */
public interface MergeRequestData {

    /** Nothing can be read: every request fails, which fails closed the rules that need the data. */
    MergeRequestData NONE = new MergeRequestData() {
        @Override
        public List<Change> changes() {
            throw new DataUnavailableException("no GitLab to read the merge request's changes from");
        }

        @Override
        public List<Commit> commits() {
            throw new DataUnavailableException("no GitLab to read the merge request's commits from");
        }

        @Override
        public String authorUsername() {
            throw new DataUnavailableException("no GitLab to read the merge request's author from");
        }
    };

    List<Change> changes();

    List<Commit> commits();

    String authorUsername();
}
