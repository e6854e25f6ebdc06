package io.policygate.policy.rules;

import io.policygate.policy.RuleContext;
import io.policygate.policy.RuleResult;

/**
 * One check of a policy, built once from its configuration when the policy set loads. Implementations
 * are immutable and thread-safe; they read the merge request only through the {@link RuleContext}.
 * A Java plug-in implements this and registers a {@link RuleType}.
 */
public interface Rule {

    RuleResult evaluate(RuleContext context);
}
