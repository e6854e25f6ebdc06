package io.policygate.policy;

import java.time.Instant;

/**
 * One approval of a merge request as GitLab lists it now: the approver's username and name, and when they approved
 * ({@code at}; null when GitLab does not say, as before it listed approved_at).
 */
public record Approval(String username, String name, Instant at) {}
