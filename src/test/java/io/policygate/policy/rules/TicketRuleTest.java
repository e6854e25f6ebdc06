package io.policygate.policy.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.policygate.policy.FakeMergeRequest;
import io.policygate.policy.MergeRequestData;
import io.policygate.policy.Outcome;
import io.policygate.policy.RuleContext;
import io.policygate.policy.RuleResult;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TicketRuleTest {

    private static RuleResult evaluate(TicketRule.Config config, FakeMergeRequest mr) {
        return TicketRule.TYPE
                .create(config)
                .evaluate(new RuleContext(mr, MergeRequestData.NONE, java.time.Instant.parse("2026-12-03T12:00:00Z")));
    }

    static Stream<Arguments> cases() {
        FakeMergeRequest sample = FakeMergeRequest.sample();
        TicketRule.Config defaults = new TicketRule.Config(null, null, null, null);
        TicketRule.Config payOps = new TicketRule.Config(
                List.of("title", "description", "sourceBranch"), null, List.of("PAY", "OPS"), null);
        return Stream.of(
                Arguments.of(
                        "no ticket anywhere",
                        defaults,
                        sample,
                        Outcome.FAILED,
                        "no ticket reference in title or description"),
                Arguments.of(
                        "ticket in title",
                        defaults,
                        sample.withTitle("PAY-123 Update README"),
                        Outcome.PASSED,
                        "references PAY-123"),
                Arguments.of(
                        "ticket in description",
                        defaults,
                        sample.withDescription("Implements OPS-9."),
                        Outcome.PASSED,
                        "references OPS-9"),
                Arguments.of(
                        "branch not searched by default",
                        defaults,
                        sample.withSourceBranch("PAY-1-fix"),
                        Outcome.FAILED,
                        "no ticket"),
                Arguments.of(
                        "branch searched when asked",
                        payOps,
                        sample.withSourceBranch("feature/PAY-1-fix"),
                        Outcome.PASSED,
                        "references PAY-1"),
                Arguments.of(
                        "lower case is no ticket",
                        defaults,
                        sample.withTitle("pay-123 fix"),
                        Outcome.FAILED,
                        "no ticket"),
                Arguments.of(
                        "key not allowed",
                        payOps,
                        sample.withTitle("ABC-12 fix"),
                        Outcome.FAILED,
                        "ABC-12 is not in an allowed project (PAY, OPS)"),
                Arguments.of(
                        "one allowed among others",
                        payOps,
                        sample.withTitle("ABC-12 and OPS-3"),
                        Outcome.PASSED,
                        "references OPS-3"),
                Arguments.of(
                        "custom pattern",
                        new TicketRule.Config(List.of("title"), "#[0-9]+", null, null),
                        sample.withTitle("Fix #42"),
                        Outcome.PASSED,
                        "references #42"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void table(String name, TicketRule.Config config, FakeMergeRequest mr, Outcome outcome, String message) {
        RuleResult result = evaluate(config, mr);
        assertEquals(outcome, result.outcome(), result.message());
        assertTrue(result.message().contains(message), result.message());
        assertEquals("ticket", result.type());
    }

    @Test
    void evidenceShowsWhatWasSearchedAndWhatWasExpected() {
        RuleResult result = evaluate(
                new TicketRule.Config(List.of("title"), null, List.of("PAY"), null),
                FakeMergeRequest.sample().withTitle("ABC-1 fix"));
        assertEquals("ABC-1 fix", result.evidence().seen().get("title"));
        assertEquals(List.of("ABC-1"), result.evidence().seen().get("tickets"));
        assertTrue(
                result.evidence().expected().contains("with project key in [PAY] in title"),
                result.evidence().expected());
    }

    @Test
    void invalidConfigurationNamesTheField() {
        InvalidRuleException badPlace = assertThrows(
                InvalidRuleException.class,
                () -> TicketRule.TYPE.create(new TicketRule.Config(List.of("title", "body"), null, null, null)));
        assertEquals("in[1]", badPlace.field());
        assertTrue(badPlace.getMessage().contains("unknown place 'body'"), badPlace.getMessage());

        InvalidRuleException badRegex = assertThrows(
                InvalidRuleException.class,
                () -> TicketRule.TYPE.create(new TicketRule.Config(null, "[A-Z+", null, null)));
        assertEquals("pattern", badRegex.field());

        // RE2J has no backreferences: a pattern that needs backtracking is refused at load, not run.
        InvalidRuleException backreference = assertThrows(
                InvalidRuleException.class,
                () -> TicketRule.TYPE.create(new TicketRule.Config(null, "(a)\\1", null, null)));
        assertEquals("pattern", backreference.field());
    }

    @Test
    void catastrophicBacktrackingPatternRunsInLinearTime() {
        // (a+)+$ takes exponential time on a backtracking engine for "aaaa...!"; RE2J is linear.
        String title = "a".repeat(100_000) + "!";
        RuleResult result = assertTimeoutPreemptively(
                Duration.ofSeconds(5),
                () -> evaluate(
                        new TicketRule.Config(List.of("title"), "(a+)+$", null, null),
                        FakeMergeRequest.sample().withTitle(title)));
        assertEquals(Outcome.FAILED, result.outcome());
    }
}
