package io.policygate.policy.rules;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/** The rule types a policy file may name. */
public final class RuleTypes {

    private final Map<String, RuleType<?>> byName = new LinkedHashMap<>();

    private RuleTypes() {}

    public static RuleTypes builtIn() {
        RuleTypes types = new RuleTypes();
        for (RuleType<?> type : List.of(
                TicketRule.TYPE,
                LicenseRule.TYPE,
                PathsRule.TYPE,
                LabelsRule.TYPE,
                BranchRule.TYPE,
                TitleRule.TYPE,
                AuthorRule.TYPE,
                DraftRule.TYPE,
                CommitsRule.TYPE,
                SizeRule.TYPE,
                ApprovalsRule.TYPE,
                WindowRule.TYPE,
                ExpressionRule.TYPE,
                HttpRule.TYPE)) {
            types = types.with(type);
        }
        return types;
    }

    /** The built-in types plus those of every {@link RuleTypeProvider} on the class path. */
    public static RuleTypes installed() {
        RuleTypes types = builtIn();
        for (RuleTypeProvider provider : ServiceLoader.load(RuleTypeProvider.class)) {
            for (RuleType<?> type : provider.ruleTypes()) {
                types = types.with(type);
            }
        }
        return types;
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
