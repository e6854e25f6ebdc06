package io.policygate.policy.rules;

import io.policygate.policy.Evidence;
import io.policygate.policy.RuleContext;
import io.policygate.policy.RuleResult;
import java.util.List;
import java.util.Map;

/** Who may author merge requests: an allow list, a deny list, or both. Reads the author from GitLab. */
final class AuthorRule implements Rule {

    static final RuleType<Config> TYPE = new RuleType<>("author", Config.class, AuthorRule::new);

    /**
     * @param allow usernames that may author; empty allows anyone not denied
     * @param deny usernames that may not author (bots, service accounts)
     */
    record Config(List<String> allow, List<String> deny) {}

    private final List<String> allow;
    private final List<String> deny;

    private AuthorRule(Config config) {
        this.allow = config.allow() == null ? List.of() : List.copyOf(config.allow());
        this.deny = config.deny() == null ? List.of() : List.copyOf(config.deny());
        if (allow.isEmpty() && deny.isEmpty()) {
            throw new InvalidRuleException("allow", "set allow, deny or both");
        }
    }

    @Override
    public RuleResult evaluate(RuleContext context) {
        String author = context.authorUsername();
        Evidence evidence = new Evidence(
                Map.of("author", author),
                (allow.isEmpty() ? "any author" : "an author in " + allow) + (deny.isEmpty() ? "" : " not in " + deny));
        if (deny.contains(author)) {
            return RuleResult.failed(TYPE.name(), "author " + author + " may not author merge requests here", evidence);
        }
        if (!allow.isEmpty() && !allow.contains(author)) {
            return RuleResult.failed(TYPE.name(), "author " + author + " is not on the allow list", evidence);
        }
        return RuleResult.passed(TYPE.name(), "author " + author + " is allowed", evidence);
    }
}
