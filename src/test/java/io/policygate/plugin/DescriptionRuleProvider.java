package io.policygate.plugin;

import io.policygate.policy.Evidence;
import io.policygate.policy.RuleContext;
import io.policygate.policy.RuleResult;
import io.policygate.policy.rules.InvalidRuleException;
import io.policygate.policy.rules.Rule;
import io.policygate.policy.rules.RuleType;
import io.policygate.policy.rules.RuleTypeProvider;
import java.util.List;
import java.util.Map;

/**
 * An example Java plug-in, as a team would write it in its own jar: a {@code description} rule that
 * wants a merge request description of some length. Registered in
 * META-INF/services/io.policygate.policy.rules.RuleTypeProvider.
 */
public class DescriptionRuleProvider implements RuleTypeProvider {

    /** @param minLength the description must have at least this many non-blank characters */
    public record Config(Integer minLength) {}

    static final class DescriptionRule implements Rule {
        private final int minLength;

        DescriptionRule(Config config) {
            if (config.minLength() == null || config.minLength() < 1) {
                throw new InvalidRuleException("minLength", "is required and must be at least 1");
            }
            this.minLength = config.minLength();
        }

        @Override
        public RuleResult evaluate(RuleContext context) {
            int length = context.mergeRequest().description().strip().length();
            Evidence evidence = new Evidence(Map.of("length", length), "at least " + minLength + " characters");
            return length >= minLength
                    ? RuleResult.passed("description", "description is long enough", evidence)
                    : RuleResult.failed(
                            "description",
                            "description has " + length + " characters, at least " + minLength + " wanted",
                            evidence);
        }
    }

    @Override
    public List<RuleType<?>> ruleTypes() {
        return List.of(new RuleType<>("description", Config.class, DescriptionRule::new));
    }
}
