package io.policygate.journal;

import java.time.Instant;

/** One POST to GitLab (or the decision not to post), kept for the history and the explanation pages. */
public record ReportAttempt(int attempt, Instant startedAt, long durationMillis, Integer httpStatus, String outcome,
        String detail) {
}
