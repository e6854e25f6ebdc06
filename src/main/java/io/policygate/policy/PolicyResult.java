package io.policygate.policy;

import java.util.List;

/** One applicable policy's rule results. {@code failed} ignores the mode; the verdict applies it. */
public record PolicyResult(String policy, String file, PolicyMode mode, boolean failed, List<RuleResult> rules) {

    public PolicyResult {
        rules = List.copyOf(rules);
    }

    static PolicyResult of(Policy policy, List<RuleResult> rules) {
        boolean failed = rules.stream().anyMatch(r -> r.outcome().blocks());
        return new PolicyResult(policy.name(), policy.source().file(), policy.mode(), failed, rules);
    }

    boolean blocksMerge() {
        return failed && mode == PolicyMode.ENFORCE;
    }
}
