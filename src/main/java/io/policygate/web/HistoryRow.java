package io.policygate.web;

import java.util.List;

/**
 * One evaluation as a line of a page. {@code mergeRequestUrl} is null when policy-gate.gitlab.url is not
 * set (links are built from it, never from a payload). {@code tampered}: what GitLab showed that policy-gate had
 * not given, or null. {@code waivers}: the ids of the waivers that excused a rule of the verdict.
 */
public record HistoryRow(
        String id,
        String time,
        String project,
        long mergeRequest,
        String mergeRequestUrl,
        String title,
        String shortSha,
        String verdict,
        String ifEnforced,
        String state,
        boolean dead,
        String lastError,
        String tampered,
        List<String> waivers) {

    /** Passed only because a failing policy or rule is audited. */
    public boolean auditFindings() {
        return "passed".equals(verdict) && "failed".equals(ifEnforced);
    }

    /** What the row says of the verdict: the verdict once there is one, else how far the job got. */
    public String outcome() {
        return verdict != null ? verdict : state;
    }
}
