package io.policygate.journal;

/** The answer to an intake: the evaluation's id and state, and whether it already existed. */
public record Enqueued(String id, JobState state, boolean duplicate) {}
