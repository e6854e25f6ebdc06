package io.policygate.journal;

import io.policygate.event.CheckKey;
import java.time.Instant;

/** A journal row: one evaluation of one SHA for one status check, and how far it got. */
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
        Instant createdAt) {
}
