package io.policygate.policy.rules;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The rule types a policy file may name. */
public final class RuleTypes {

    private final Map<String, RuleType<?>> byName = new LinkedHashMap<>();

    private RuleTypes() {
    }

    public static RuleTypes builtIn() {
        return new RuleTypes()
                .with(TicketRule.TYPE)
                .with(ExpressionRule.TYPE);
    }

    /** A copy with one more type; a name already taken is refused so a plug-in cannot shadow a built-in. */
    public RuleTypes with(RuleType<?> type) {
        if (byName.containsKey(type.name())) {
            throw new IllegalArgumentException("rule type '" + type.name() + "' is already registered");
        }
        RuleTypes copy = new RuleTypes();
        copy.byName.putAll(byName);
        copy.byName.put(type.name(), type);
        return copy;
    }

    public Optional<RuleType<?>> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public Collection<String> names() {
        return byName.keySet();
    }
}
