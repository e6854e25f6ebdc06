package io.policygate.gitlab;

import io.policygate.policy.DataUnavailableException;
import java.time.Duration;
import java.time.Instant;

/**
 * What came of one step of a job: an attempt to give GitLab a verdict, or why none was given. {@link GitLabAnswer} decides
 * what GitLab's answer means; {@link #fromResponse}, {@link #fromFailure} and {@link #fromReadFailure} say what
 * that makes of the step.
 */
public sealed interface ReportOutcome {

    /** GitLab's HTTP status, or null when none came (or nothing was posted). */
    Integer httpStatus();

    /** What happened, in words an operator can act on. */
    String detail();

    /** A short name for history and metrics: delivered, not-posted, superseded, rejected, transient. */
    String kind();

    /** GitLab stored the status. */
    record Delivered(Integer httpStatus, String detail) implements ReportOutcome {
        @Override
        public String kind() {
            return "delivered";
        }
    }

    /** Nothing was posted on purpose (dry run, or a legacy GitLab that cannot take this verdict). */
    record NotPosted(String detail) implements ReportOutcome {
        @Override
        public String kind() {
            return "not-posted";
        }

        @Override
        public Integer httpStatus() {
            return null;
        }
    }

    /** 409: the SHA is no longer the HEAD of the source branch; a newer push will be evaluated instead. */
    record Superseded(Integer httpStatus, String detail) implements ReportOutcome {
        @Override
        public String kind() {
            return "superseded";
        }
    }

    /** A permanent refusal: retrying cannot help until someone fixes what {@code detail} says. */
    record Rejected(Integer httpStatus, String detail) implements ReportOutcome {
        @Override
        public String kind() {
            return "rejected";
        }
    }

    /** Worth another try later; {@code retryAfter} is GitLab's Retry-After, or null. */
    record Transient(Integer httpStatus, String detail, Duration retryAfter) implements ReportOutcome {
        @Override
        public String kind() {
            return "transient";
        }

        /**
         * Whether this says GitLab is failing (no answer, a server error, changes not made yet): a 429 is GitLab's
         * rate limit, which policy-gate's budget waits out; it does not open the circuit breaker.
         */
        public boolean gitLabFailing() {
            return httpStatus == null || httpStatus != 429;
        }
    }

    /** GitLab's answer to a status report. */
    static ReportOutcome fromResponse(int status, String body, String retryAfter, Instant now) {
        GitLabAnswer answer = GitLabAnswer.of(
                GitLabAnswer.Request.STATUS_REPORT, "the status report", status, body, null, retryAfter, now);
        if (answer instanceof GitLabAnswer.Success success) {
            return new Delivered(
                    status,
                    "GitLab answered " + status
                            + (success.body().isBlank() ? "" : ": " + GitLabAnswer.shorten(success.body())));
        }
        if (answer instanceof GitLabAnswer.Superseded superseded) {
            return new Superseded(status, superseded.detail());
        }
        if (answer instanceof GitLabAnswer.Refused refused) {
            return new Rejected(status, refused.detail());
        }
        return fromTransient((GitLabAnswer.Transient) answer);
    }

    private static ReportOutcome fromTransient(GitLabAnswer.Transient answer) {
        return new Transient(answer.status(), answer.detail(), answer.retryAfter());
    }

    /**
     * A GitLab read that failed while a job was evaluated (the merge request, its checks, its changes): a refusal
     * is permanent and says what to fix; anything else (no answer, 429, 5xx, a diff version GitLab has not made
     * yet) is worth another try. Nothing is decided without GitLab's facts.
     */
    static ReportOutcome fromReadFailure(DataUnavailableException failure) {
        if (failure instanceof GitLabRefusal refusal) {
            return new Rejected(refusal.status(), failure.getMessage());
        }
        if (failure instanceof RateLimitedRead limited) {
            return new Transient(429, failure.getMessage(), limited.retryAfter());
        }
        return new Transient(null, failure.getMessage(), null);
    }

    /** No HTTP answer at all: refused connection, timeout, reset. All are worth another try. */
    static ReportOutcome fromFailure(Throwable failure) {
        return fromTransient(GitLabAnswer.unanswered("request to GitLab", failure));
    }
}
