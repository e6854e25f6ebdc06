package io.policygate.policy.rules;

import io.policygate.policy.RuleContext;
import io.policygate.policy.RuleResult;
import java.util.List;

/**
 * One check of a policy, built once from its configuration when the policy set loads. Implementations
 * are immutable and thread-safe; they read the merge request only through the {@link RuleContext}.
 * A Java plug-in implements this and registers a {@link RuleType}.
 */
public interface Rule {

    RuleResult evaluate(RuleContext context);

    /** The services this rule calls while it evaluates, and the secrets it sends them; none by default. */
    default List<OutboundCall> outboundCalls() {
        return List.of();
    }
}
