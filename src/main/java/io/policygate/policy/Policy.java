package io.policygate.policy;

import java.util.List;

/** One policy document as loaded: what it applies to and its rules, with where it was written. */
public record Policy(
        String name,
        PolicyMode mode,
        String description,
        AppliesTo appliesTo,
        List<PolicyRule> rules,
        PolicySource source) {

    public Policy {
        rules = List.copyOf(rules);
    }
}
