package io.policygate.policy.rules;

import com.google.re2j.Pattern;
import io.policygate.policy.Commit;
import io.policygate.policy.Evidence;
import io.policygate.policy.RuleContext;
import io.policygate.policy.RuleResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The merge request's commits: message pattern, Signed-off-by trailers (DCO), how many. Reads GitLab. */
final class CommitsRule implements Rule {

    static final RuleType<Config> TYPE = new RuleType<>("commits", Config.class, CommitsRule::new);
    private static final Pattern SIGNED_OFF = Pattern.compile("(?m)^Signed-off-by: .+ <[^<>\\s]+@[^<>\\s]+>\\s*$");

    /**
     * @param pattern regular expression each commit's title (first line) must match
     * @param signedOff true: each commit message carries a "Signed-off-by: Name <email>" trailer
     * @param maxCount at most this many commits
     */
    record Config(String pattern, Boolean signedOff, Integer maxCount) {}

    private final Pattern pattern;
    private final boolean signedOff;
    private final Integer maxCount;

    private CommitsRule(Config config) {
        this.pattern = config.pattern() == null ? null : RegexFields.compile("pattern", config.pattern());
        this.signedOff = Boolean.TRUE.equals(config.signedOff());
        this.maxCount = config.maxCount();
        if (pattern == null && !signedOff && maxCount == null) {
            throw new InvalidRuleException("pattern", "set pattern, signedOff: true or maxCount");
        }
        if (maxCount != null && maxCount < 1) {
            throw new InvalidRuleException("maxCount", "must be at least 1");
        }
    }

    @Override
    public RuleResult evaluate(RuleContext context) {
        List<Commit> commits = context.commits();
        List<String> problems = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        if (maxCount != null) {
            expected.add("at most " + maxCount + " commits");
            if (commits.size() > maxCount) {
                problems.add(commits.size() + " commits, at most " + maxCount + " allowed");
            }
        }
        if (pattern != null) {
            expected.add("commit titles matching " + pattern.pattern());
            List<String> bad = commits.stream()
                    .filter(c -> !pattern.matcher(c.title()).find())
                    .map(c -> shortSha(c) + " '" + c.title() + "'")
                    .toList();
            if (!bad.isEmpty()) {
                problems.add("commit title does not match " + pattern.pattern() + ": " + Listing.shown(bad));
            }
        }
        if (signedOff) {
            expected.add("a Signed-off-by trailer in every commit");
            List<String> unsigned = commits.stream()
                    .filter(c -> !SIGNED_OFF.matcher(c.message()).find())
                    .map(CommitsRule::shortSha)
                    .toList();
            if (!unsigned.isEmpty()) {
                problems.add("no Signed-off-by in " + Listing.shown(unsigned));
            }
        }
        Map<String, Object> seen = new LinkedHashMap<>();
        seen.put("count", commits.size());
        seen.put("titles", commits.stream().limit(10).map(Commit::title).toList());
        Evidence evidence = new Evidence(seen, String.join(", ", expected));
        return problems.isEmpty()
                ? RuleResult.passed(TYPE.name(), commits.size() + " commits as required", evidence)
                : RuleResult.failed(TYPE.name(), String.join("; ", problems), evidence);
    }

    private static String shortSha(Commit commit) {
        return commit.sha().length() > 8 ? commit.sha().substring(0, 8) : commit.sha();
    }
}
