package io.policygate.policy.rules;

import com.google.re2j.Pattern;
import io.policygate.policy.Evidence;
import io.policygate.policy.RuleContext;
import io.policygate.policy.RuleResult;
import java.util.List;
import java.util.Map;

/**
 * The merge request title must match a pattern, or follow Conventional Commits
 * ({@code type(scope)!: description}).
 */
final class TitleRule implements Rule {

    static final RuleType<Config> TYPE = new RuleType<>("title", Config.class, TitleRule::new);
    static final List<String> CONVENTIONAL_TYPES =
            List.of("feat", "fix", "docs", "style", "refactor", "perf", "test", "build", "ci", "chore", "revert");

    /**
     * @param pattern regular expression the title must match
     * @param conventional true: the title must be a Conventional Commits header
     * @param types the Conventional Commits types allowed (default feat, fix, docs, …)
     */
    record Config(String pattern, Boolean conventional, List<String> types) {}

    private final Pattern pattern;
    private final String expected;

    private TitleRule(Config config) {
        boolean conventional = Boolean.TRUE.equals(config.conventional());
        if (conventional == (config.pattern() != null)) {
            throw new InvalidRuleException("pattern", "set either pattern or conventional: true");
        }
        if (config.types() != null && !conventional) {
            throw new InvalidRuleException("types", "only applies with conventional: true");
        }
        if (conventional) {
            List<String> types = config.types() == null ? CONVENTIONAL_TYPES : config.types();
            if (types.isEmpty() || types.stream().anyMatch(t -> !t.matches("[a-z][a-z0-9-]*"))) {
                throw new InvalidRuleException("types", "must be lower-case words such as feat, fix");
            }
            this.pattern = Pattern.compile("^(" + String.join("|", types) + ")(\\([^()\\s]+\\))?!?: \\S.*");
            this.expected = "a Conventional Commits title: <type>(<scope>): <description>, type one of " + types;
        } else {
            this.pattern = RegexFields.compile("pattern", config.pattern());
            this.expected = "a title matching " + config.pattern();
        }
    }

    @Override
    public RuleResult evaluate(RuleContext context) {
        String title = context.mergeRequest().title();
        Evidence evidence = new Evidence(Map.of("title", title), expected);
        return pattern.matcher(title).find()
                ? RuleResult.passed(TYPE.name(), "title as required", evidence)
                : RuleResult.failed(TYPE.name(), "title '" + title + "' is not " + expected, evidence);
    }
}
