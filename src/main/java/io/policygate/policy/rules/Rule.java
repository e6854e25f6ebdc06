package io.policygate.policy.rules;

import io.policygate.policy.RuleContext;
import io.policygate.policy.RuleResult;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One check of a policy, built once from its configuration when the policy set loads. Implementations
 * are immutable and thread-safe; they read the merge request only through the {@link RuleContext}.
 * A Java plug-in implements this and registers a {@link RuleType}.
 */
public interface Rule {

    RuleResult evaluate(RuleContext context);

    /**
     * The first moment after {@code after} at which this rule's result may change though the merge request did not (a
     * change window's edge), at which policy-gate judges the open merge requests again; none by default.
     */
    default Optional<Instant> nextChange(Instant after) {
        return Optional.empty();
    }

    /** The services this rule calls while it evaluates, and the secrets it sends them; none by default. */
    default List<OutboundCall> outboundCalls() {
        return List.of();
    }
}
