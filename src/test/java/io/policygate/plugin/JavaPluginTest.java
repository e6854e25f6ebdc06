package io.policygate.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.policygate.policy.FakeMergeRequest;
import io.policygate.policy.MergeRequestData;
import io.policygate.policy.PolicyEngine;
import io.policygate.policy.PolicyError;
import io.policygate.policy.PolicyLoader;
import io.policygate.policy.PolicySet;
import io.policygate.policy.Verdict;
import io.policygate.policy.VerdictStatus;
import io.policygate.policy.rules.RuleType;
import io.policygate.policy.rules.RuleTypes;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A plug-in on the class path is found through ServiceLoader and usable in policy files. */
class JavaPluginTest {

    @Test
    void pluginTypeIsInstalledAndEvaluated() {
        PolicyLoader loader = new PolicyLoader(RuleTypes.installed());
        List<PolicyError> errors = new ArrayList<>();
        PolicySet set = new PolicySet(
                loader.parse("p.yaml", "name: described\nrules:\n  - type: description\n    minLength: 30\n", errors),
                List.of(),
                List.of());
        assertEquals(List.of(), errors);

        Verdict verdict = new PolicyEngine(VerdictStatus.PASSED)
                .evaluate(
                        set,
                        FakeMergeRequest.sample().withDescription("Too short."),
                        MergeRequestData.NONE,
                        java.time.Instant.parse("2026-12-03T12:00:00Z"));

        assertEquals(VerdictStatus.FAILED, verdict.status());
        assertEquals(
                "description has 10 characters, at least 30 wanted",
                verdict.policies().get(0).rules().get(0).message());
    }

    @Test
    void pluginConfigErrorsAreLocatedLikeBuiltIns() {
        List<PolicyError> errors = new ArrayList<>();
        new PolicyLoader(RuleTypes.installed()).parse("p.yaml", "name: d\nrules:\n  - type: description\n", errors);
        assertEquals(
                "p.yaml:3: rules[0].minLength: is required and must be at least 1",
                errors.get(0).toString());
    }

    @Test
    void pluginCannotShadowABuiltIn() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> RuleTypes.builtIn()
                        .with(new RuleType<>("ticket", DescriptionRuleProvider.Config.class, c -> null)));
        assertTrue(e.getMessage().contains("already registered"));
    }
}
