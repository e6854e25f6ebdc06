package io.policygate.policy.rules;

import io.policygate.policy.Evidence;
import io.policygate.policy.RuleContext;
import io.policygate.policy.RuleResult;
import io.policygate.policy.cel.CompiledCondition;
import io.policygate.policy.cel.ConditionCompiler;
import io.policygate.policy.cel.ConditionEvaluationException;
import io.policygate.policy.cel.InvalidConditionException;
import java.util.Map;

/** A CEL condition that must hold; compiled once when the policy set loads. */
final class ExpressionRule implements Rule {

    static final RuleType<Config> TYPE = new RuleType<>("expression", Config.class, ExpressionRule::new);

    /** @param expr a CEL expression over mergeRequest, project, user and statusCheck */
    record Config(String expr) {}

    private final CompiledCondition condition;

    private ExpressionRule(Config config) {
        if (config.expr() == null || config.expr().isBlank()) {
            throw new InvalidRuleException("expr", "is required: a CEL expression that must be true");
        }
        try {
            this.condition = ConditionCompiler.compile(config.expr());
        } catch (InvalidConditionException e) {
            throw new InvalidRuleException("expr", e.getMessage());
        }
    }

    @Override
    public RuleResult evaluate(RuleContext context) {
        String expected = "true: " + condition.expression();
        try {
            boolean holds = condition.test(context::celVariable);
            Evidence evidence = new Evidence(Map.of("result", holds), expected);
            return holds
                    ? RuleResult.passed(TYPE.name(), "expression holds", evidence)
                    : RuleResult.failed(TYPE.name(), "expression is false: " + condition.expression(), evidence);
        } catch (ConditionEvaluationException e) {
            return RuleResult.error(
                    TYPE.name(),
                    "expression could not be evaluated: " + e.getMessage(),
                    new Evidence(Map.of("error", e.getMessage()), expected));
        }
    }
}
