package io.policygate.policy.rules;

import io.policygate.policy.Evidence;
import io.policygate.policy.RuleContext;
import io.policygate.policy.RuleResult;
import java.util.List;
import java.util.Map;

/** Labels the merge request must carry, and labels it must not. */
final class LabelsRule implements Rule {

    static final RuleType<Config> TYPE = new RuleType<>("labels", Config.class, LabelsRule::new);

    /**
     * @param require every one of these labels must be set
     * @param forbid none of these labels may be set
     */
    record Config(List<String> require, List<String> forbid) {}

    private final List<String> require;
    private final List<String> forbid;

    private LabelsRule(Config config) {
        this.require = config.require() == null ? List.of() : List.copyOf(config.require());
        this.forbid = config.forbid() == null ? List.of() : List.copyOf(config.forbid());
        if (require.isEmpty() && forbid.isEmpty()) {
            throw new InvalidRuleException("require", "set require, forbid or both");
        }
    }

    @Override
    public RuleResult evaluate(RuleContext context) {
        List<String> labels = context.mergeRequest().labels();
        Evidence evidence = new Evidence(
                Map.of("labels", labels),
                (require.isEmpty() ? "" : "labels " + require)
                        + (require.isEmpty() || forbid.isEmpty() ? "" : ", ")
                        + (forbid.isEmpty() ? "" : "none of " + forbid));
        List<String> missing = require.stream().filter(l -> !labels.contains(l)).toList();
        List<String> forbidden = forbid.stream().filter(labels::contains).toList();
        if (!missing.isEmpty()) {
            return RuleResult.failed(TYPE.name(), "missing label " + String.join(", ", missing), evidence);
        }
        if (!forbidden.isEmpty()) {
            return RuleResult.failed(
                    TYPE.name(), "label " + String.join(", ", forbidden) + " is not allowed", evidence);
        }
        return RuleResult.passed(TYPE.name(), "labels as required", evidence);
    }
}
