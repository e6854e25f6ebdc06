package io.policygate.policy;

import java.util.List;
import java.util.Set;

/**
 * Facts about a merge request that its webhook payload does not carry and that must be read from
 * GitLab (changes, commits, author, approvals, code-owner rules, group members). Rules ask for them through {@link RuleContext}, which reads each at most once per
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

        @Override
        public List<Approval> approvals() {
            throw new DataUnavailableException("no GitLab to read the merge request's approvals from");
        }

        @Override
        public List<CodeOwnerRule> codeOwnerRules() {
            throw new DataUnavailableException("no GitLab to read the merge request's code-owner rules from");
        }

        @Override
        public Set<String> groupMembers(String group) {
            throw new DataUnavailableException("no GitLab to read the members of group " + group + " from");
        }
    };

    List<Change> changes();

    List<Commit> commits();

    String authorUsername();

    /** Who approved the merge request, as GitLab lists it now (approvals reset on push are gone from it). */
    List<Approval> approvals();

    /** The code-owner approval rules GitLab requires of the merge request, approved or not. */
    List<CodeOwnerRule> codeOwnerRules();

    /** The usernames of a group's members, inherited ones included. */
    Set<String> groupMembers(String group);
}
