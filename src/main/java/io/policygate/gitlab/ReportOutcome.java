package io.policygate.gitlab;

import io.policygate.policy.DataUnavailableException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.TimeoutException;

/**
 * What came of one step of a job: an attempt to give GitLab a verdict, or why none was given. {@link #fromResponse},
 * {@link #fromFailure} and {@link #fromReadFailure} are the one place that decides between done, superseded, dead
 * and retry (GitLab's answers to status_check_responses are listed in ee/lib/api/status_checks.rb).
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
    }

    /**
     * Whether an HTTP status from GitLab is worth another try, for every call policy-gate makes: a timeout
     * (408), too early (425), too many requests (429) or a server error (5xx). Anything else is GitLab's answer.
     */
    static boolean transientStatus(int status) {
        return status == 408 || status == 425 || status == 429 || status >= 500;
    }

    static ReportOutcome fromResponse(int status, String body, String retryAfter, Instant now) {
        String answer = "GitLab answered " + status + (body == null || body.isBlank() ? "" : ": " + shorten(body));
        if (status >= 200 && status < 300) {
            return new Delivered(status, answer);
        }
        if (transientStatus(status)) {
            return new Transient(status, answer, parseRetryAfter(retryAfter, now));
        }
        return switch (status) {
            case 409 -> new Superseded(status, answer + " (a newer commit is HEAD; its own evaluation reports)");
            // GitLab's 400 names the parameter it refused (ee/lib/api/status_checks.rb, Grape's validation).
            case 400 -> new Rejected(status, answer + (String.valueOf(body).contains("status")
                    ? ". Fix: check policy-gate.gitlab.status-mode against the GitLab version (legacy-pass /"
                            + " legacy-approve before GitLab 15.0)"
                    : ". Fix: GitLab refused the request as the message says; a GitLab whose API differs from 15.0+"
                            + " needs policy-gate.gitlab.status-mode"));
            case 401 -> new Rejected(status, answer + ". Fix: policy-gate.gitlab.token is invalid, expired or lacks the"
                    + " api scope, or the project has no Ultimate licence for status checks");
            case 403 -> new Rejected(status, answer + ". Fix: the token's user may not approve this merge request;"
                    + " give it at least the Developer role on the project");
            case 404 -> new Rejected(status, answer + ". Fix: the merge request or the external status check id does"
                    + " not exist in this project; check the status check's id in the project settings");
            default -> new Rejected(status, answer + ". Fix: check policy-gate.gitlab.url points at the GitLab"
                    + " instance itself (no redirect, right scheme)");
        };
    }

    /**
     * A GitLab read that failed while a job was evaluated (the merge request, its checks, its changes): a refusal
     * (401, 403, 404, …) is permanent and says what to fix; anything else (no answer, 429, 5xx, a diff version
     * GitLab has not made yet) is worth another try. Nothing is decided without GitLab's facts.
     */
    static ReportOutcome fromReadFailure(DataUnavailableException failure) {
        if (failure instanceof GitLabRefusal refusal) {
            return new Rejected(refusal.status(), failure.getMessage() + switch (refusal.status()) {
                case 401 -> ". Fix: policy-gate.gitlab.token is invalid, expired or lacks the api scope";
                case 403 -> ". Fix: the token's user may not read this project's merge requests; give it at least"
                        + " the Developer role on the project";
                case 404 -> ". Fix: the merge request does not exist in this project, or the token's user cannot see"
                        + " the project";
                default -> ". Fix: check policy-gate.gitlab.url points at the GitLab instance itself";
            });
        }
        return new Transient(null, failure.getMessage(), null);
    }

    /** No HTTP answer at all: refused connection, timeout, reset. All are worth another try. */
    static ReportOutcome fromFailure(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String kind;
        if (cause instanceof ConnectException) {
            kind = "connection refused";
        } else if (cause instanceof TimeoutException || cause instanceof HttpTimeoutException
                || cause.getClass().getSimpleName().contains("Timeout")) {
            kind = "timed out";
        } else {
            kind = "failed";
        }
        return new Transient(null, "request to GitLab " + kind + ": " + cause.getClass().getSimpleName()
                + (cause.getMessage() == null ? "" : ": " + shorten(cause.getMessage())), null);
    }

    /** Retry-After is either delay-seconds or an HTTP-date (RFC 9110 §10.2.3); anything else is ignored. */
    static Duration parseRetryAfter(String value, Instant now) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String trimmed = value.trim();
        try {
            long seconds = Long.parseLong(trimmed);
            return seconds < 0 ? null : Duration.ofSeconds(seconds);
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                return at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO;
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
    }

    static String shorten(String text) {
        String oneLine = text.replaceAll("\\s+", " ").trim();
        return oneLine.length() <= 500 ? oneLine : oneLine.substring(0, 500) + "…";
    }
}
