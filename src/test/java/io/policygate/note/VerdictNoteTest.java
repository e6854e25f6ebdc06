package io.policygate.note;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.policygate.policy.Evidence;
import io.policygate.policy.Outcome;
import io.policygate.policy.PolicyMode;
import io.policygate.policy.PolicyOrigin;
import io.policygate.policy.PolicyResult;
import io.policygate.policy.RuleResult;
import io.policygate.policy.Verdict;
import io.policygate.policy.VerdictStatus;
import io.policygate.testing.GitLabWireMock;
import io.policygate.testing.ServiceTest;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The note's Markdown, whole: what a developer reads on the merge request, as its Qute template renders it. */
@QuarkusTest
@WithTestResource(GitLabWireMock.class)
class VerdictNoteTest extends ServiceTest {

    @Inject
    VerdictNote note;

    private static final VerdictNote.Subject SUBJECT = new VerdictNote.Subject(
            3,
            "Compliance",
            "0123456789abcdef",
            "ev-1",
            Instant.parse("2026-11-24T10:15:30Z"),
            false,
            PolicyOrigin.NONE);

    @Test
    void aFailureListsEnforcedRulesThenAuditFindingsThenTheLink() {
        Verdict verdict = new Verdict(
                VerdictStatus.FAILED,
                VerdictStatus.FAILED,
                "failed: tickets",
                List.of(
                        new PolicyResult(
                                "tickets",
                                "tickets.yaml",
                                PolicyMode.ENFORCE,
                                true,
                                true,
                                List.of(
                                        new RuleResult(
                                                "ticket",
                                                Outcome.FAILED,
                                                "Name a ticket such as PAY-1.",
                                                new Evidence(
                                                        inOrder("title", "Fix *all* the things", "tickets", List.of()),
                                                        "a ticket key")),
                                        new RuleResult(
                                                "draft", Outcome.PASSED, "not a draft", new Evidence(Map.of(), null)))),
                        new PolicyResult(
                                "size",
                                "size.yaml",
                                PolicyMode.AUDIT,
                                true,
                                false,
                                List.of(new RuleResult(
                                        "size",
                                        Outcome.ERROR,
                                        "could not read the changes",
                                        new Evidence(Map.of("error", "GitLab answered 500"), "the changes"),
                                        PolicyMode.AUDIT,
                                        null)))));

        assertEquals(
                """
                <!-- policy-gate status-check:3 -->
                ### :x: Compliance: failed

                Commit `01234567` was checked against 2 policies; 1 fails. Fix what is listed below and push again; \
                the check runs on every push.
                - **tickets** (`ticket`): Name a ticket such as PAY-1.
                  - seen: title `Fix *all* the things`; tickets `none`
                  - expected: a ticket key

                **Audit only** (would fail when enforced; does not block this merge request):
                - **size** (`size`, could not be checked): could not read the changes
                  - seen: error `GitLab answered 500`
                  - expected: the changes

                [Why, rule by rule](https://gate.example.com/evaluations/ev-1) · evaluation `ev-1` · 2026-11-24 10:15 UTC
                """,
                note.markdown(
                        SUBJECT,
                        verdict,
                        Optional.of(URI.create("https://gate.example.com/evaluations/ev-1")),
                        preview -> Optional.empty()));
    }

    @Test
    void aPassSaysSoAndWithoutAPublicUrlSaysHowToGetTheLink() {
        Verdict verdict = new Verdict(
                VerdictStatus.PASSED,
                VerdictStatus.PASSED,
                "passed: tickets",
                List.of(new PolicyResult("tickets", "tickets.yaml", PolicyMode.ENFORCE, false, false, List.of())));

        assertEquals("""
                <!-- policy-gate status-check:3 -->
                ### :white_check_mark: Compliance: passed

                Commit `01234567` was checked against 1 policy: every enforced policy passes.

                Details: set `policy-gate.public-url` to link them here · evaluation `ev-1` · 2026-11-24 10:15 UTC
                """, note.markdown(SUBJECT, verdict, Optional.empty(), preview -> Optional.empty()));
    }

    @Test
    void aReplacedStatusIsToldFirstAndACheckNameIsEscapedLikeAnyText() {
        Verdict verdict = new Verdict(VerdictStatus.FAILED, VerdictStatus.FAILED, "failed: no policy", List.of());
        VerdictNote.Subject tampered = new VerdictNote.Subject(
                3,
                "QA *gate* @all",
                "0123456789abcdef",
                "ev-2",
                Instant.parse("2026-11-24T10:15:30Z"),
                true,
                PolicyOrigin.NONE);

        assertEquals("""
                <!-- policy-gate status-check:3 -->
                ### :x: QA \\*gate\\* @⁠all: failed

                :warning: GitLab showed this check as **passed** for commit `01234567`, which policy-gate had not \
                passed: anyone with the Developer role can post a status to a check. policy-gate's verdict below \
                replaces it, and the evaluation is recorded as tampered.

                Commit `01234567` was checked against 0 policies: none applies to this merge request \
                (policy-gate.no-policy-verdict decides).

                Details: set `policy-gate.public-url` to link them here · evaluation `ev-2` · 2026-11-24 10:15 UTC
                """, note.markdown(tampered, verdict, Optional.empty(), preview -> Optional.empty()));
    }

    private static Map<String, Object> inOrder(String name, Object value, String otherName, Object otherValue) {
        Map<String, Object> seen = new LinkedHashMap<>();
        seen.put(name, value);
        seen.put(otherName, otherValue);
        return seen;
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "plain text             | plain text",
                "**bold** [x](y)        | \\*\\*bold\\*\\* \\[x\\]\\(y\\)",
                "ping @all              | ping @\u2060all",
                "ping &#64;all &amp;    | ping \\&\\#64;all \\&amp;",
                "'line\n/approve'       | line /approve",
                "<img src=x>            | \\<img src=x\\>",
                "see https://evil.example/x | see https:\u2060//evil.example/x",
                "or WWW.evil.example    | or WWW\u2060.evil.example",
                "mail a@evil.example    | mail a@\u2060evil.example"
            })
    void messagesAreOneEscapedLine(String text, String expected) {
        assertEquals(expected, MarkdownEscapes.plain(text));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "main                   | `main`",
                "a`b                    | ``a`b``",
                "'`x`'                  | `` `x` ``",
                "'two\nlines'           | `two lines`",
                "''                     | *(empty)*"
            })
    void valuesSitInCodeSpansThatHoldThem(String text, String expected) {
        assertEquals(expected, MarkdownEscapes.code(text));
    }
}
