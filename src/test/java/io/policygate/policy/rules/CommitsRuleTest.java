package io.policygate.policy.rules;

import static io.policygate.policy.FakeMergeRequestData.commit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.policygate.policy.FakeMergeRequest;
import io.policygate.policy.FakeMergeRequestData;
import io.policygate.policy.Outcome;
import io.policygate.policy.RuleResult;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CommitsRuleTest {

    private static final String SIGNED = "\n\nSigned-off-by: Ada Lovelace <ada@example.com>";

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(
                        new CommitsRule.Config(null, true, null),
                        FakeMergeRequestData.commits(commit("fix: a" + SIGNED), commit("fix: b" + SIGNED)),
                        Outcome.PASSED,
                        "2 commits as required"),
                Arguments.of(
                        new CommitsRule.Config(null, true, null),
                        FakeMergeRequestData.commits(commit("fix: a" + SIGNED), commit("fix: b")),
                        Outcome.FAILED,
                        "no Signed-off-by in 01234567"),
                Arguments.of(
                        new CommitsRule.Config(null, true, null),
                        FakeMergeRequestData.commits(commit("fix: a\n\nSigned-off-by: nobody")),
                        Outcome.FAILED,
                        "no Signed-off-by in 01234567"),
                Arguments.of(
                        new CommitsRule.Config("^(feat|fix): ", null, null),
                        FakeMergeRequestData.commits(commit("fix: a"), commit("WIP")),
                        Outcome.FAILED,
                        "commit title does not match ^(feat|fix): : 01234567 'WIP'"),
                Arguments.of(
                        new CommitsRule.Config(null, null, 1),
                        FakeMergeRequestData.commits(commit("a"), commit("b")),
                        Outcome.FAILED,
                        "2 commits, at most 1 allowed"),
                Arguments.of(
                        new CommitsRule.Config(null, null, 1),
                        FakeMergeRequestData.commits(commit("a")),
                        Outcome.PASSED,
                        "1 commits as required"));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void table(CommitsRule.Config config, FakeMergeRequestData data, Outcome outcome, String message) {
        RuleResult result = RuleTables.evaluate(CommitsRule.TYPE, config, FakeMergeRequest.sample(), data);
        assertEquals(outcome, result.outcome());
        assertEquals(message, result.message());
    }

    @Test
    void configThatChecksNothingIsRefused() {
        assertThrows(
                InvalidRuleException.class, () -> CommitsRule.TYPE.create(new CommitsRule.Config(null, false, null)));
        assertThrows(InvalidRuleException.class, () -> CommitsRule.TYPE.create(new CommitsRule.Config(null, null, 0)));
    }
}
