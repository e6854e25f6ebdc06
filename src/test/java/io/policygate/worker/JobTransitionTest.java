package io.policygate.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.policygate.gitlab.ReportOutcome;
import io.policygate.journal.JobState;
import io.policygate.journal.ReportAttempt;
import io.policygate.journal.RetrySchedule;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class JobTransitionTest {

    private static final Instant ACCEPTED = Instant.parse("2026-12-03T10:00:00Z");
    private static final Instant FINISHED = ACCEPTED.plusSeconds(60);
    private static final Duration RETRY_FOR = Duration.ofHours(1);
    private final RetrySchedule schedule = new RetrySchedule(Duration.ofSeconds(1), Duration.ofMinutes(5));

    private JobTransition after(ReportOutcome outcome, Instant finished) {
        ReportAttempt attempt = new ReportAttempt(
                3, finished.minusMillis(20), 20, outcome.httpStatus(), outcome.kind(), outcome.detail(), null);
        return JobTransition.of(outcome, attempt, finished, ACCEPTED, RETRY_FOR, schedule);
    }

    @Test
    void takenOrNothingToPostIsReported() {
        assertEquals(
                JobState.REPORTED,
                after(new ReportOutcome.Delivered(201, "GitLab answered 201"), FINISHED)
                        .finalState());
        assertEquals(
                JobState.REPORTED,
                after(new ReportOutcome.NotPosted("dry-run"), FINISHED).finalState());
    }

    @Test
    void aNewerHeadSupersedesAndARefusalIsDead() {
        assertEquals(
                JobState.SUPERSEDED,
                after(new ReportOutcome.Superseded(409, "newer HEAD"), FINISHED).finalState());
        JobTransition refused = after(new ReportOutcome.Rejected(403, "GitLab answered 403. Fix: …"), FINISHED);
        assertEquals(JobState.DEAD, refused.finalState());
        assertEquals("GitLab answered 403. Fix: …", refused.attempt().detail(), "the refusal says what to fix");
    }

    @Test
    void aTransientFailureWaitsNoSoonerThanRetryAfter() {
        JobTransition waiting =
                after(new ReportOutcome.Transient(429, "GitLab answered 429", Duration.ofSeconds(90)), FINISHED);
        assertTrue(waiting.waits());
        assertNull(waiting.finalState());
        assertFalse(waiting.retryAt().isBefore(FINISHED.plusSeconds(90)), "Retry-After is honoured");
    }

    @Test
    void aTransientFailurePastRetryForIsDeadAndSaysWhy() {
        JobTransition dead =
                after(new ReportOutcome.Transient(503, "GitLab answered 503", null), ACCEPTED.plus(RETRY_FOR));
        assertEquals(JobState.DEAD, dead.finalState());
        assertNull(dead.retryAt());
        assertEquals(
                "GitLab answered 503; gave up after retrying for PT1H (policy-gate.report.retry-for)",
                dead.attempt().detail());
    }
}
