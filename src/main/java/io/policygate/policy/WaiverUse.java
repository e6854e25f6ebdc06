package io.policygate.policy;

/**
 * The waiver that excused a rule's result, as the verdict keeps it: enough for a reader of the verdict, the merge
 * request's note or a decision record to see who allowed what, why, until when ({@code expires}, an ISO date, the
 * last day it applies), and what the rule concluded before it was waived ({@code outcome}: failed or error).
 */
public record WaiverUse(String id, String reason, String approvedBy, String expires, Outcome outcome) {}
