package io.policygate.journal;

import io.policygate.event.CheckKey;
import java.time.Instant;

/**
 * A journal row: one evaluation of one SHA for one status check, and how far it got. {@code generation} counts the
 * webhooks for this SHA that arrived while the job was unfinished; {@code tampered} is set once the job found a
 * status in GitLab that policy-gate had not given.
 */
public record Job(
        String id,
        CheckKey key,
        String sha,
        JobState state,
        String payload,
        String verdict,
        String verdictDetail,
        int attempts,
        Instant nextAttemptAt,
        String lastError,
        Instant createdAt,
        int generation,
        String tampered) {}
