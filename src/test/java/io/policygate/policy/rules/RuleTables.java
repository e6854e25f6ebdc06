package io.policygate.policy.rules;

import io.policygate.policy.FakeMergeRequest;
import io.policygate.policy.FakeMergeRequestData;
import io.policygate.policy.MergeRequestData;
import io.policygate.policy.RuleContext;
import io.policygate.policy.RuleResult;

/** Builds a rule from its config record and evaluates it, as the loader and engine would. */
final class RuleTables {

    private RuleTables() {}

    static <C> RuleResult evaluate(RuleType<C> type, C config, FakeMergeRequest mr, MergeRequestData data) {
        return type.create(config).evaluate(new RuleContext(mr, data));
    }

    static <C> RuleResult evaluate(RuleType<C> type, C config, FakeMergeRequest mr) {
        return evaluate(type, config, mr, FakeMergeRequestData.of(java.util.List.of(), java.util.List.of()));
    }
}
