package io.policygate.gitlab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class GitLabAnswerTest {

    private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");

    @Test
    void everyGitLabCallCountsTheSameStatusesAsWorthAnotherTry() {
        for (int status : new int[] {408, 425, 429, 500, 502, 503, 504}) {
            assertTrue(GitLabAnswer.transientStatus(status), String.valueOf(status));
        }
        for (int status : new int[] {400, 401, 403, 404, 409, 422}) {
            assertTrue(!GitLabAnswer.transientStatus(status), String.valueOf(status));
        }
    }

    @Test
    void retryAfterIsSecondsOrAnHttpDate() {
        assertEquals(Duration.ofSeconds(30), GitLabAnswer.parseRetryAfter("30", NOW));
        assertEquals(Duration.ofSeconds(90), GitLabAnswer.parseRetryAfter("Tue, 24 Nov 2026 10:01:30 GMT", NOW));
        assertEquals(Duration.ZERO, GitLabAnswer.parseRetryAfter("Tue, 24 Nov 2026 09:00:00 GMT", NOW));
        assertNull(GitLabAnswer.parseRetryAfter("soon", NOW));
        assertNull(GitLabAnswer.parseRetryAfter("-5", NOW));
        assertNull(GitLabAnswer.parseRetryAfter(null, NOW));
    }

    @ParameterizedTest
    @EnumSource(GitLabAnswer.Request.class)
    void everyKindOfCallReadsAStatusTheSameWay(GitLabAnswer.Request request) {
        for (int status : new int[] {200, 201, 204}) {
            assertInstanceOf(GitLabAnswer.Success.class, answer(request, status));
        }
        for (int status : new int[] {408, 425, 429, 500, 502, 503, 504}) {
            assertInstanceOf(GitLabAnswer.Transient.class, answer(request, status), request + " " + status);
        }
        for (int status : new int[] {301, 400, 401, 403, 404, 405, 422}) {
            assertInstanceOf(GitLabAnswer.Refused.class, answer(request, status), request + " " + status);
        }
        // Only a status report's 409 means "a newer commit is HEAD"; to any other call it is a refusal.
        Class<? extends GitLabAnswer> conflict = request == GitLabAnswer.Request.STATUS_REPORT
                ? GitLabAnswer.Superseded.class
                : GitLabAnswer.Refused.class;
        assertInstanceOf(conflict, answer(request, 409));
    }

    @Test
    void aRefusalQuotesGitLabAndSaysWhatToFixForWhatWasAsked() {
        GitLabAnswer.Refused note = (GitLabAnswer.Refused) GitLabAnswer.of(
                GitLabAnswer.Request.NOTE,
                "the note create request",
                403,
                "{\"message\":\"403 Forbidden\"}",
                null,
                null,
                NOW);
        assertEquals(
                "GitLab answered 403 to the note create request: {\"message\":\"403 Forbidden\"}. Fix: the"
                        + " token's user may not comment on this merge request; give it at least the Reporter role, or set"
                        + " policy-gate.report.comment=never",
                note.detail());
        GitLabAnswer.Refused read = (GitLabAnswer.Refused)
                GitLabAnswer.of(GitLabAnswer.Request.READ, "the merge request read", 404, "", null, null, NOW);
        assertTrue(
                read.detail()
                        .startsWith("GitLab answered 404 to the merge request read. Fix: the merge request"
                                + " does not exist"),
                read.detail());
        GitLabAnswer.Refused gone = (GitLabAnswer.Refused)
                GitLabAnswer.of(GitLabAnswer.Request.NOTE, "the note update request", 410, "", null, null, NOW);
        assertEquals("GitLab answered 410 to the note update request", gone.detail(), "no fix to invent");
    }

    @Test
    void aTransientAnswerCarriesRetryAfterAndASuccessItsNextPage() {
        GitLabAnswer.Transient busy = (GitLabAnswer.Transient)
                GitLabAnswer.of(GitLabAnswer.Request.READ, "the notes read", 429, "", null, "7", NOW);
        assertEquals(Duration.ofSeconds(7), busy.retryAfter());
        assertEquals(
                "3",
                ((GitLabAnswer.Success)
                                GitLabAnswer.of(GitLabAnswer.Request.READ, "the notes read", 200, "[]", "3", null, NOW))
                        .nextPage());
        assertNull(((GitLabAnswer.Success)
                        GitLabAnswer.of(GitLabAnswer.Request.READ, "the notes read", 200, "[]", "", null, NOW))
                .nextPage());
    }

    private static GitLabAnswer answer(GitLabAnswer.Request request, int status) {
        return GitLabAnswer.of(request, "the call", status, "{}", null, null, NOW);
    }
}
