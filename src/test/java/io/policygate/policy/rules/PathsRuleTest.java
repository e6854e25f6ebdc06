package io.policygate.policy.rules;

import static io.policygate.policy.FakeMergeRequestData.modified;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.policygate.policy.Change;
import io.policygate.policy.FakeMergeRequest;
import io.policygate.policy.FakeMergeRequestData;
import io.policygate.policy.Outcome;
import io.policygate.policy.RuleResult;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PathsRuleTest {

    static Stream<Arguments> cases() {
        PathsRule.Config forbid = new PathsRule.Config(List.of(".gitlab-ci.yml", "deploy/**"), null, null);
        PathsRule.Config only = new PathsRule.Config(null, List.of("docs/**", "*.md"), null);
        PathsRule.Config changed = new PathsRule.Config(null, null, List.of("CHANGELOG.md"));
        return Stream.of(
                Arguments.of(forbid, FakeMergeRequestData.changes(modified("src/a.java", 1, 0)), Outcome.PASSED),
                Arguments.of(forbid, FakeMergeRequestData.changes(modified(".gitlab-ci.yml", 1, 0)), Outcome.FAILED),
                Arguments.of(
                        forbid, FakeMergeRequestData.changes(modified("deploy/k8s/prod.yaml", 1, 0)), Outcome.FAILED),
                // Renaming a protected file away still touches the protected path.
                Arguments.of(
                        forbid,
                        FakeMergeRequestData.changes(new Change("ci.yml", ".gitlab-ci.yml", false, false, true, "")),
                        Outcome.FAILED),
                Arguments.of(
                        only,
                        FakeMergeRequestData.changes(modified("docs/a/b.md", 1, 0), modified("README.md", 1, 0)),
                        Outcome.PASSED),
                Arguments.of(
                        only,
                        FakeMergeRequestData.changes(modified("docs/a.md", 1, 0), modified("src/x.java", 1, 0)),
                        Outcome.FAILED),
                Arguments.of(changed, FakeMergeRequestData.changes(modified("src/x.java", 1, 0)), Outcome.FAILED),
                Arguments.of(changed, FakeMergeRequestData.changes(modified("CHANGELOG.md", 1, 0)), Outcome.PASSED));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void table(PathsRule.Config config, FakeMergeRequestData data, Outcome outcome) {
        RuleResult result = RuleTables.evaluate(PathsRule.TYPE, config, FakeMergeRequest.sample(), data);
        assertEquals(outcome, result.outcome(), result.message());
    }

    @Test
    void messageListsTheOffendingPaths() {
        RuleResult result = RuleTables.evaluate(
                PathsRule.TYPE,
                new PathsRule.Config(List.of("secrets/**"), null, null),
                FakeMergeRequest.sample(),
                FakeMergeRequestData.changes(modified("secrets/prod.env", 1, 0), modified("src/a", 1, 0)));
        assertEquals("changes protected paths: secrets/prod.env", result.message());
        assertEquals(2, result.evidence().seen().get("count"));
    }

    @Test
    void emptyConfigIsRefused() {
        assertThrows(InvalidRuleException.class, () -> PathsRule.TYPE.create(new PathsRule.Config(null, null, null)));
    }
}
