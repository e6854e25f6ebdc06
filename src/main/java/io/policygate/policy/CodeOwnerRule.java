package io.policygate.policy;

/**
 * A code-owner approval rule GitLab requires of a merge request (a CODEOWNERS section matching its changes), and
 * whether it is approved.
 */
public record CodeOwnerRule(String name, boolean approved) {}
