package io.policygate.policy.rules;

import io.policygate.policy.FakeMergeRequest;
import io.policygate.policy.FakeMergeRequestData;
import io.policygate.policy.MergeRequestData;
import io.policygate.policy.RuleContext;
import io.policygate.policy.RuleResult;
import java.time.Instant;

/** Builds a rule from its config record and evaluates it, as the loader and engine would. */
final class RuleTables {

    private RuleTables() {}

    /** The time rules see unless a test gives one. */
    static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");

    static <C> RuleResult evaluate(RuleType<C> type, C config, FakeMergeRequest mr, MergeRequestData data) {
        return evaluate(type, config, mr, data, NOW);
    }

    static <C> RuleResult evaluate(
            RuleType<C> type, C config, FakeMergeRequest mr, MergeRequestData data, Instant now) {
        return type.create(config).evaluate(new RuleContext(mr, data, now));
    }

    static <C> RuleResult evaluate(RuleType<C> type, C config, FakeMergeRequest mr) {
        return evaluate(type, config, mr, FakeMergeRequestData.of(java.util.List.of(), java.util.List.of()));
    }
}
