package io.policygate.policy;

import io.policygate.policy.rules.Rule;
import java.util.Map;

/**
 * A rule as placed in a policy: its type name, the author's failure message (may be null) and the
 * built rule. The author's message replaces the rule's own on failure; the evidence keeps the detail.
 */
public record PolicyRule(String type, String message, Rule rule) {

    RuleResult evaluate(RuleContext context) {
        RuleResult result;
        try {
            result = rule.evaluate(context);
        } catch (RuntimeException e) {
            // A rule (possibly a plug-in) that throws must not take the verdict down with it: fail closed.
            return RuleResult.error(type, "rule failed: " + e, new Evidence(Map.of("error", String.valueOf(e)), "no error"));
        }
        if (result.outcome().blocks() && message != null) {
            return new RuleResult(result.type(), result.outcome(), message, result.evidence());
        }
        return result;
    }
}
