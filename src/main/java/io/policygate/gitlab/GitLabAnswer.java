package io.policygate.gitlab;

import io.policygate.policy.WorthAnotherTry;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.TimeoutException;

/**
 * What one answer of GitLab's REST API means, decided here for every call policy-gate makes (the status report,
 * the reads, the notes, {@code register}'s check settings): done, worth another try (with GitLab's
 * {@code Retry-After}), superseded, or refused with what to fix. Callers turn it into their own outcome; none
 * of them looks at a status code itself.
 */
public sealed interface GitLabAnswer {

    /** A 2xx: {@code body} is GitLab's text, {@code nextPage} its {@code X-Next-Page} (null on the last page). */
    record Success(int status, String body, String nextPage) implements GitLabAnswer {}

    /**
     * No answer, or one worth another try: a timeout (408), too early (425), too many requests (429) or a server
     * error (5xx). {@code status} is null when none came; {@code retryAfter} is GitLab's hint, or null.
     */
    record Transient(Integer status, String detail, Duration retryAfter) implements GitLabAnswer {}

    /** A 409 to a status report: the SHA is no longer the source branch's HEAD (ee/lib/api/status_checks.rb). */
    record Superseded(int status, String detail) implements GitLabAnswer {}

    /**
     * A refusal that another try cannot change: {@code answer} is what GitLab said, {@code fix} what someone must
     * change first (empty when GitLab's message is all there is to say).
     */
    record Refused(int status, String answer, String fix) implements GitLabAnswer {
        public String detail() {
            return fix.isEmpty() ? answer : answer + ". Fix: " + fix;
        }
    }

    /** The kinds of call policy-gate makes; a refusal's fix depends on what was asked. */
    enum Request {
        /** POST …/status_check_responses. */
        STATUS_REPORT {
            @Override
            String fix(int status, String body) {
                return switch (status) {
                    // GitLab's 400 names the parameter it refused (ee/lib/api/status_checks.rb, Grape's validation).
                    case 400 ->
                        body.contains("status")
                                ? "check policy-gate.gitlab.status-mode against the GitLab version (legacy-pass /"
                                        + " legacy-approve before GitLab 15.0)"
                                : "GitLab refused the request as the message says; a GitLab whose API differs from 15.0+"
                                        + " needs policy-gate.gitlab.status-mode";
                    case 401 ->
                        "policy-gate.gitlab.token is invalid, expired or lacks the api scope, or the project"
                                + " has no Ultimate licence for status checks";
                    case 403 ->
                        "the token's user may not approve this merge request; give it at least the Developer"
                                + " role on the project";
                    case 404 ->
                        "the merge request or the external status check id does not exist in this project;"
                                + " check the status check's id in the project settings";
                    default ->
                        "check policy-gate.gitlab.url points at the GitLab instance itself (no redirect, right"
                                + " scheme)";
                };
            }
        },
        /** A read of a merge request, its diff versions, commits, checks, or a project. */
        READ {
            @Override
            String fix(int status, String body) {
                return switch (status) {
                    case 401 -> "policy-gate.gitlab.token is invalid, expired or lacks the api scope";
                    case 403 ->
                        "the token's user may not read this project's merge requests; give it at least the"
                                + " Developer role on the project";
                    case 404 ->
                        "the merge request does not exist in this project, or the token's user cannot see the"
                                + " project";
                    default -> "check policy-gate.gitlab.url points at the GitLab instance itself";
                };
            }
        },
        /** Listing, creating or updating policy-gate's note on a merge request. */
        NOTE {
            @Override
            String fix(int status, String body) {
                return switch (status) {
                    case 401 -> "policy-gate.gitlab.token is invalid, expired or lacks the api scope";
                    case 403 ->
                        "the token's user may not comment on this merge request; give it at least the"
                                + " Reporter role, or set policy-gate.report.comment=never";
                    case 404 -> "the merge request or note is gone, or the token's user cannot see the project";
                    default -> "";
                };
            }
        },
        /** PATCH …/compliance_external_controls/:id/status (API::ComplianceExternalControls). */
        CONTROL_STATUS {
            @Override
            String fix(int status, String body) {
                return switch (status) {
                    case 401 ->
                        "GitLab refused the signature: the control's secret in GitLab differs from policy-gate's"
                                + " (policy-gate.compliance.secret, or the one its URL names with ?secret=), or"
                                + " policy-gate's clock is more than 15 s off GitLab's; without an Ultimate licence"
                                + " GitLab refuses it too";
                    case 403 -> "the control is not an external one";
                    case 404 -> "no such control, or the control's framework is not applied to the project";
                    default -> "";
                };
            }
        },
        /** {@code register}: a project's external status checks and their settings. */
        CHECK_SETTINGS {
            @Override
            String fix(int status, String body) {
                return switch (status) {
                    case 401 -> "the token is invalid or lacks the api scope";
                    case 403 -> "the token's user needs the Maintainer role to manage status checks";
                    case 404 -> "not found, or not visible to the token's user";
                    default -> "";
                };
            }
        };

        abstract String fix(int status, String body);
    }

    /**
     * GitLab's answer to {@code request}.
     *
     * @param what names the call in messages, e.g. "the merge request read"
     * @param retryAfter GitLab's {@code Retry-After} header, or null
     */
    static GitLabAnswer of(
            Request request, String what, int status, String body, String nextPage, String retryAfter, Instant now) {
        String text = body == null ? "" : body;
        if (status >= 200 && status < 300) {
            return new Success(status, text, nextPage == null || nextPage.isBlank() ? null : nextPage);
        }
        String answer = "GitLab answered " + status + " to " + what + (text.isBlank() ? "" : ": " + shorten(text));
        if (transientStatus(status)) {
            return new Transient(status, answer, parseRetryAfter(retryAfter, now));
        }
        if (status == 409 && request == Request.STATUS_REPORT) {
            return new Superseded(status, answer + " (a newer commit is HEAD; its own evaluation reports)");
        }
        return new Refused(status, answer, request.fix(status, text));
    }

    /** No HTTP answer at all: refused connection, timeout, reset. All are worth another try. */
    static Transient unanswered(String what, Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String kind;
        if (cause instanceof ConnectException) {
            kind = "connection refused";
        } else if (cause instanceof TimeoutException
                || cause instanceof HttpTimeoutException
                || cause.getClass().getSimpleName().contains("Timeout")) {
            kind = "timed out";
        } else {
            kind = "failed";
        }
        return new Transient(
                null,
                what + " " + kind + ": " + cause.getClass().getSimpleName()
                        + (cause.getMessage() == null ? "" : ": " + shorten(cause.getMessage())),
                null);
    }

    /** Whether an HTTP status from GitLab is worth another try ({@link WorthAnotherTry}, as for every service). */
    static boolean transientStatus(int status) {
        return WorthAnotherTry.status(status);
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
                Instant at = ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toInstant();
                return at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO;
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
    }

    /** One line of at most 500 characters: GitLab's error pages can be long HTML. */
    static String shorten(String text) {
        String oneLine = text.replaceAll("\\s+", " ").trim();
        return oneLine.length() <= 500 ? oneLine : oneLine.substring(0, 500) + "…";
    }
}
