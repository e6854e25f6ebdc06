package io.policygate.policy;

/** One commit of a merge request. */
public record Commit(String sha, String title, String message, String authorName, String authorEmail) {}
