package io.policygate.web;

import io.policygate.policy.PolicyError;
import io.policygate.policy.WaiverStanding;
import java.util.List;

/**
 * The start page: policy load errors first, then evaluations that could not be reported, then the
 * waivers about to expire, then the recent evaluations (filtered as the form says) and the link to older ones.
 */
public record IndexPage(
        List<PolicyError> loadErrors,
        List<HistoryRow> deadLetters,
        List<HistoryRow> rows,
        String olderUrl,
        String project,
        String mr,
        String status,
        String ifEnforced,
        boolean tampered,
        String waived,
        List<String> statuses,
        List<WaiverStanding> expiringWaivers) {}
