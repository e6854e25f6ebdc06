package io.policygate.policy.rules;

import io.policygate.policy.Approval;
import io.policygate.policy.CodeOwnerRule;
import io.policygate.policy.Commit;
import io.policygate.policy.Evidence;
import io.policygate.policy.RuleContext;
import io.policygate.policy.RuleResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Segregation of duties: enough approvals that count, from the people or groups named, never the author's (and, when
 * asked, never a committer's), and every code-owner rule GitLab requires approved. Approvals are GitLab's list now:
 * one given before a push counts only while GitLab still lists it (a project that resets approvals on push drops it).
 */
final class ApprovalsRule implements Rule {

    static final RuleType<Config> TYPE = new RuleType<>("approvals", Config.class, ApprovalsRule::new);

    /**
     * @param min approvals that count (default 1)
     * @param from usernames, or groups as {@code @path}, whose approvals count; none: anyone's
     * @param notAuthor the author's approval never counts (default true)
     * @param notCommitters approvals by authors of the merge request's commits do not count (default false)
     * @param codeOwners every code-owner rule GitLab requires is approved (default false)
     */
    record Config(Integer min, List<String> from, Boolean notAuthor, Boolean notCommitters, Boolean codeOwners) {}

    private final int min;
    private final List<String> users;
    private final List<String> groups;
    private final boolean notAuthor;
    private final boolean notCommitters;
    private final boolean codeOwners;

    private ApprovalsRule(Config config) {
        this.min = config.min() == null ? 1 : config.min();
        if (min < 1) {
            throw new InvalidRuleException("min", "must be at least 1: a rule that needs no approval checks nothing");
        }
        List<String> from = config.from() == null ? List.of() : config.from();
        List<String> users = new ArrayList<>();
        List<String> groups = new ArrayList<>();
        for (int i = 0; i < from.size(); i++) {
            String name = from.get(i) == null ? "" : from.get(i).trim();
            if (name.isEmpty() || name.equals("@")) {
                throw new InvalidRuleException(
                        "from[" + i + "]", "name a user (alice) or a group with @ (@bank/compliance)");
            }
            (name.startsWith("@") ? groups : users).add(name.startsWith("@") ? name.substring(1) : name);
        }
        this.users = List.copyOf(users);
        this.groups = List.copyOf(groups);
        this.notAuthor = config.notAuthor() == null || config.notAuthor();
        this.notCommitters = Boolean.TRUE.equals(config.notCommitters());
        this.codeOwners = Boolean.TRUE.equals(config.codeOwners());
    }

    @Override
    public RuleResult evaluate(RuleContext context) {
        List<Approval> approvals = context.approvals();
        String author = notAuthor ? context.authorUsername() : null;
        List<Commit> commits = notCommitters ? context.commits() : List.of();
        List<String> counted = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        List<String> notCounted = new ArrayList<>();
        for (Approval approval : approvals) {
            Optional<String> why = whyNot(approval, author, commits, context);
            String at = approval.at() == null ? "" : " at " + approval.at();
            seen.add(approval.username()
                    + at
                    + why.map(w -> ": does not count, " + w).orElse(": counts"));
            if (why.isPresent()) {
                notCounted.add(approval.username() + " (" + why.get() + ")");
            } else {
                counted.add(approval.username());
            }
        }
        List<String> unapproved = codeOwners
                ? context.codeOwnerRules().stream()
                        .filter(rule -> !rule.approved())
                        .map(CodeOwnerRule::name)
                        .toList()
                : List.of();
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("approvals", seen);
        facts.put("counting", counted.size());
        if (codeOwners) {
            facts.put("code owners not approved", unapproved);
        }
        Evidence evidence = new Evidence(facts, expected());
        if (counted.size() < min) {
            return RuleResult.failed(
                    TYPE.name(),
                    counted.size() + " of " + min + " approvals that count"
                            + (counted.isEmpty() ? "" : " (" + String.join(", ", counted) + ")")
                            + (notCounted.isEmpty() ? "" : "; not counted: " + String.join(", ", notCounted)),
                    evidence);
        }
        if (!unapproved.isEmpty()) {
            return RuleResult.failed(
                    TYPE.name(), "code owners have not approved: " + String.join(", ", unapproved), evidence);
        }
        return RuleResult.passed(
                TYPE.name(), counted.size() + " approvals that count: " + String.join(", ", counted), evidence);
    }

    /** Why an approval does not count, or nothing when it does. */
    private Optional<String> whyNot(Approval approval, String author, List<Commit> commits, RuleContext context) {
        if (author != null && approval.username().equalsIgnoreCase(author)) {
            return Optional.of("the author");
        }
        if (notCommitters) {
            // GitLab shows no user's email to the API, so a commit is matched to an approver by its author's name.
            Optional<Commit> own = commits.stream()
                    .filter(c -> approval.name() != null
                            && !approval.name().isBlank()
                            && c.authorName()
                                    .trim()
                                    .equalsIgnoreCase(approval.name().trim()))
                    .findFirst();
            if (own.isPresent()) {
                return Optional.of("authored commit "
                        + own.get()
                                .sha()
                                .substring(0, Math.min(8, own.get().sha().length())));
            }
        }
        if (users.isEmpty() && groups.isEmpty()) {
            return Optional.empty();
        }
        String username = approval.username().toLowerCase(Locale.ROOT);
        if (users.stream().anyMatch(u -> u.equalsIgnoreCase(username))) {
            return Optional.empty();
        }
        for (String group : groups) {
            if (context.groupMembers(group).stream().anyMatch(m -> m.equalsIgnoreCase(username))) {
                return Optional.empty();
            }
        }
        return Optional.of("not one of " + from());
    }

    private String from() {
        List<String> from = new ArrayList<>(users);
        groups.forEach(g -> from.add("@" + g));
        return String.join(", ", from);
    }

    private String expected() {
        return min
                + (min == 1 ? " approval" : " approvals")
                + (users.isEmpty() && groups.isEmpty() ? "" : " from " + from())
                + (notAuthor ? ", not by the author" : "")
                + (notCommitters ? ", not by a committer" : "")
                + (codeOwners ? ", and every required code-owner rule approved" : "");
    }
}
