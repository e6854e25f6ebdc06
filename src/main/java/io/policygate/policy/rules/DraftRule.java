package io.policygate.policy.rules;

import io.policygate.policy.Evidence;
import io.policygate.policy.RuleContext;
import io.policygate.policy.RuleResult;
import java.util.Map;

/** Draft merge requests fail the check (so a draft is never merged by mistake). */
final class DraftRule implements Rule {

    static final RuleType<Config> TYPE = new RuleType<>("draft", Config.class, DraftRule::new);

    /** @param forbid true (default): a draft fails */
    record Config(Boolean forbid) {}

    private DraftRule(Config config) {
        if (Boolean.FALSE.equals(config.forbid())) {
            throw new InvalidRuleException("forbid", "false would make this rule do nothing; remove the rule instead");
        }
    }

    @Override
    public RuleResult evaluate(RuleContext context) {
        boolean draft = context.mergeRequest().draft();
        Evidence evidence = new Evidence(Map.of("draft", draft), "not a draft");
        return draft
                ? RuleResult.failed(TYPE.name(), "the merge request is a draft", evidence)
                : RuleResult.passed(TYPE.name(), "not a draft", evidence);
    }
}
