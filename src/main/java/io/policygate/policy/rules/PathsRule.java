package io.policygate.policy.rules;

import io.policygate.policy.Change;
import io.policygate.policy.Evidence;
import io.policygate.policy.Glob;
import io.policygate.policy.RuleContext;
import io.policygate.policy.RuleResult;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which files a merge request may touch. A renamed file counts under its old and its new path, so a
 * rename cannot move a protected file out of protection unnoticed. Reads GitLab.
 */
final class PathsRule implements Rule {

    static final RuleType<Config> TYPE = new RuleType<>("paths", Config.class, PathsRule::new);

    /**
     * @param forbid no changed path may match any of these globs
     * @param only every changed path must match one of these globs
     * @param changed at least one changed path must match each of these globs (e.g. CHANGELOG.md)
     */
    record Config(List<String> forbid, List<String> only, List<String> changed) {}

    private final List<Glob> forbid;
    private final List<Glob> only;
    private final List<Glob> changed;

    private PathsRule(Config config) {
        this.forbid = globs(config.forbid());
        this.only = globs(config.only());
        this.changed = globs(config.changed());
        if (forbid.isEmpty() && only.isEmpty() && changed.isEmpty()) {
            throw new InvalidRuleException("forbid", "set forbid, only, changed or a combination");
        }
    }

    private static List<Glob> globs(List<String> texts) {
        return texts == null ? List.of() : texts.stream().map(Glob::of).toList();
    }

    @Override
    public RuleResult evaluate(RuleContext context) {
        Set<String> paths = new LinkedHashSet<>();
        for (Change change : context.changes()) {
            paths.add(change.path());
            if (change.oldPath() != null && !change.oldPath().isEmpty()) {
                paths.add(change.oldPath());
            }
        }
        List<String> problems = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        if (!forbid.isEmpty()) {
            expected.add("no path matching " + forbid);
            List<String> hits = paths.stream()
                    .filter(p -> forbid.stream().anyMatch(g -> g.matches(p)))
                    .toList();
            if (!hits.isEmpty()) {
                problems.add("changes protected paths: " + Listing.shown(hits));
            }
        }
        if (!only.isEmpty()) {
            expected.add("only paths matching " + only);
            List<String> outside = paths.stream()
                    .filter(p -> only.stream().noneMatch(g -> g.matches(p)))
                    .toList();
            if (!outside.isEmpty()) {
                problems.add("changes paths outside " + only + ": " + Listing.shown(outside));
            }
        }
        for (Glob required : changed) {
            expected.add("a change to " + required);
            if (paths.stream().noneMatch(required::matches)) {
                problems.add("nothing matching " + required + " is changed");
            }
        }
        Evidence evidence = new Evidence(
                Map.of("paths", paths.stream().limit(50).toList(), "count", paths.size()), String.join(", ", expected));
        return problems.isEmpty()
                ? RuleResult.passed(TYPE.name(), paths.size() + " changed paths as required", evidence)
                : RuleResult.failed(TYPE.name(), String.join("; ", problems), evidence);
    }
}
