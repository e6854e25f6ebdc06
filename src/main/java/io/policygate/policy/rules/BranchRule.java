package io.policygate.policy.rules;

import com.google.re2j.Pattern;
import io.policygate.policy.Evidence;
import io.policygate.policy.RuleContext;
import io.policygate.policy.RuleResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Branch naming: the source and/or target branch must match a regular expression. */
final class BranchRule implements Rule {

    static final RuleType<Config> TYPE = new RuleType<>("branch", Config.class, BranchRule::new);

    /**
     * @param source regular expression the source branch must match (anchor with ^…$ for a whole match)
     * @param target regular expression the target branch must match
     */
    record Config(String source, String target) {}

    private final Pattern source;
    private final Pattern target;

    private BranchRule(Config config) {
        if (config.source() == null && config.target() == null) {
            throw new InvalidRuleException("source", "set source, target or both");
        }
        this.source = config.source() == null ? null : RegexFields.compile("source", config.source());
        this.target = config.target() == null ? null : RegexFields.compile("target", config.target());
    }

    @Override
    public RuleResult evaluate(RuleContext context) {
        String sourceBranch = context.mergeRequest().sourceBranch();
        String targetBranch = context.mergeRequest().targetBranch();
        List<String> expected = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        if (source != null) {
            expected.add("source branch matching " + source.pattern());
            if (!source.matcher(sourceBranch).find()) {
                problems.add("source branch '" + sourceBranch + "' does not match " + source.pattern());
            }
        }
        if (target != null) {
            expected.add("target branch matching " + target.pattern());
            if (!target.matcher(targetBranch).find()) {
                problems.add("target branch '" + targetBranch + "' does not match " + target.pattern());
            }
        }
        Evidence evidence = new Evidence(
                Map.of("sourceBranch", sourceBranch, "targetBranch", targetBranch), String.join(" and ", expected));
        return problems.isEmpty()
                ? RuleResult.passed(TYPE.name(), "branches as required", evidence)
                : RuleResult.failed(TYPE.name(), String.join("; ", problems), evidence);
    }
}
