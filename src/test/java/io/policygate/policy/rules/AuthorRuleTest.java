package io.policygate.policy.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.policygate.policy.DataUnavailableException;
import io.policygate.policy.FakeMergeRequest;
import io.policygate.policy.FakeMergeRequestData;
import io.policygate.policy.Outcome;
import io.policygate.policy.RuleResult;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AuthorRuleTest {

    @ParameterizedTest
    @CsvSource({"alice, PASSED", "bob, PASSED", "mallory, FAILED", "renovate-bot, FAILED"})
    void table(String author, Outcome outcome) {
        RuleResult result = RuleTables.evaluate(
                AuthorRule.TYPE,
                new AuthorRule.Config(List.of("alice", "bob", "renovate-bot"), List.of("renovate-bot")),
                FakeMergeRequest.sample(),
                new FakeMergeRequestData(List.of(), List.of(), author));
        assertEquals(outcome, result.outcome(), result.message());
        assertEquals(author, result.evidence().seen().get("author"));
    }

    @Test
    void unreadableAuthorIsNeverAPass() {
        // The engine turns this into an error result (fail closed): see PolicyEngineTest.
        assertThrows(
                DataUnavailableException.class,
                () -> RuleTables.evaluate(
                        AuthorRule.TYPE,
                        new AuthorRule.Config(null, List.of("mallory")),
                        FakeMergeRequest.sample(),
                        new FakeMergeRequestData(List.of(), List.of(), null)));
    }
}
