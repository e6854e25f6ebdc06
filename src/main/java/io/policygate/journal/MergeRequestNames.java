package io.policygate.journal;

import io.policygate.policy.MergeRequestContext;

/**
 * What lists and notes name a job's merge request by: its project's full path, its title and the status check's
 * name. Stored with the job (from the webhook) and again with its verdict (from GitLab's facts), so that neither
 * the history nor the note writer parses a payload to show them. Any of them may be null (a webhook without a
 * check name, a row stored before they were).
 */
public record MergeRequestNames(String projectPath, String title, String checkName) {

    public static MergeRequestNames of(MergeRequestContext mergeRequest) {
        return new MergeRequestNames(mergeRequest.projectPath(), mergeRequest.title(), mergeRequest.statusCheckName());
    }
}
