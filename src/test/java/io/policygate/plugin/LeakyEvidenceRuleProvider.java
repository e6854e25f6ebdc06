package io.policygate.plugin;

import io.policygate.policy.Evidence;
import io.policygate.policy.RuleResult;
import io.policygate.policy.rules.RuleType;
import io.policygate.policy.rules.RuleTypeProvider;
import java.util.List;
import java.util.Map;

/**
 * A plug-in with a bug no test of its own caught: its {@code leaky-evidence} rule puts an object into its evidence
 * that cannot be written as JSON, so every verdict it takes part in fails to be recorded. Registered, like
 * {@link DescriptionRuleProvider}, in META-INF/services.
 */
public class LeakyEvidenceRuleProvider implements RuleTypeProvider {

    /** No settings. */
    public record Config() {}

    /** Something a plug-in holds that Jackson has no way to write. */
    static final class Connection {}

    @Override
    public List<RuleType<?>> ruleTypes() {
        return List.of(new RuleType<>(
                "leaky-evidence",
                Config.class,
                config -> context -> RuleResult.passed(
                        "leaky-evidence",
                        "looks fine",
                        new Evidence(Map.of("connection", new Connection()), "a connection"))));
    }
}
