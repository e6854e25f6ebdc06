package io.policygate.journal;

import io.policygate.event.CheckKey;
import io.policygate.event.Trigger;
import java.time.Instant;

/**
 * A journal row: one evaluation of one SHA for one status check, what triggered it, and how far it got.
 * {@code generation} counts the webhooks for this SHA that arrived while the job was unfinished; {@code tampered}
 * is set once the job found a status in GitLab that policy-gate had not given; {@code traceParent} is the W3C traceparent
 * of the span that queued it (null without tracing), whose trace its steps continue.
 */
public record Job(
        String id,
        Trigger trigger,
        JobState state,
        String verdict,
        String verdictDetail,
        int attempts,
        Instant nextAttemptAt,
        String lastError,
        Instant createdAt,
        int generation,
        String tampered,
        String traceParent) {

    public CheckKey key() {
        return trigger.key();
    }

    public String sha() {
        return trigger.sha();
    }
}
