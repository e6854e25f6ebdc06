package io.policygate.journal;

import java.time.Instant;

/**
 * One step of a job: a POST to GitLab, or why none was made (GitLab could not be read, the commit is no longer
 * HEAD, …), kept for the history and the explanation pages. {@code postedVerdict} is the verdict GitLab took in
 * this step, null when it took none.
 */
public record ReportAttempt(
        int attempt,
        Instant startedAt,
        long durationMillis,
        Integer httpStatus,
        String outcome,
        String detail,
        String postedVerdict) {}
