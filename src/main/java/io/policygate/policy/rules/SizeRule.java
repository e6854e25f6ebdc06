package io.policygate.policy.rules;

import io.policygate.policy.Change;
import io.policygate.policy.Evidence;
import io.policygate.policy.RuleContext;
import io.policygate.policy.RuleResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Keeps merge requests reviewable: at most so many changed files and changed lines. Reads GitLab. */
final class SizeRule implements Rule {

    static final RuleType<Config> TYPE = new RuleType<>("size", Config.class, SizeRule::new);

    /**
     * @param maxFiles at most this many changed files
     * @param maxLines at most this many changed lines (added plus deleted)
     */
    record Config(Integer maxFiles, Integer maxLines) {}

    private final Integer maxFiles;
    private final Integer maxLines;

    private SizeRule(Config config) {
        if (config.maxFiles() == null && config.maxLines() == null) {
            throw new InvalidRuleException("maxFiles", "set maxFiles, maxLines or both");
        }
        if (config.maxFiles() != null && config.maxFiles() < 1) {
            throw new InvalidRuleException("maxFiles", "must be at least 1");
        }
        if (config.maxLines() != null && config.maxLines() < 1) {
            throw new InvalidRuleException("maxLines", "must be at least 1");
        }
        this.maxFiles = config.maxFiles();
        this.maxLines = config.maxLines();
    }

    @Override
    public RuleResult evaluate(RuleContext context) {
        List<Change> changes = context.changes();
        int files = changes.size();
        int lines = changes.stream()
                .mapToInt(c -> c.addedLines() + c.deletedLines())
                .sum();
        List<String> problems = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        if (maxFiles != null) {
            expected.add("at most " + maxFiles + " files");
            if (files > maxFiles) {
                problems.add(files + " changed files, at most " + maxFiles + " allowed");
            }
        }
        if (maxLines != null) {
            expected.add("at most " + maxLines + " changed lines");
            if (lines > maxLines) {
                problems.add(lines + " changed lines, at most " + maxLines + " allowed");
            }
        }
        Evidence evidence = new Evidence(Map.of("files", files, "lines", lines), String.join(", ", expected));
        return problems.isEmpty()
                ? RuleResult.passed(TYPE.name(), files + " files, " + lines + " lines", evidence)
                : RuleResult.failed(TYPE.name(), String.join("; ", problems) + "; split the merge request", evidence);
    }
}
