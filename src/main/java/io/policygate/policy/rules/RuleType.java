package io.policygate.policy.rules;

/**
 * A rule type name as written in policy files ({@code type: ticket}), the record its fields bind to,
 * and how a rule is built from that record.
 */
public record RuleType<C>(String name, Class<C> configType, Factory<C> factory) {

    /** Builds a rule; throws {@link InvalidRuleException} naming the field when the config is unusable. */
    @FunctionalInterface
    public interface Factory<C> {
        Rule create(C config);
    }

    public Rule create(Object config) {
        return factory.create(configType.cast(config));
    }
}
