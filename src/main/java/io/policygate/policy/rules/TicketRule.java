package io.policygate.policy.rules;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import io.policygate.policy.Commit;
import io.policygate.policy.Evidence;
import io.policygate.policy.RuleContext;
import io.policygate.policy.RuleResult;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/** Requires a ticket reference (e.g. PAY-123) in chosen parts of the merge request. */
final class TicketRule implements Rule {

    static final String DEFAULT_PATTERN = "[A-Z][A-Z0-9]+-[0-9]+";
    static final RuleType<Config> TYPE = new RuleType<>("ticket", Config.class, TicketRule::new);
    private static final int SHOWN_TEXT = 200;

    /**
     * @param in where to look: title, description, sourceBranch, commits (default title and description)
     * @param pattern what a reference looks like
     * @param keys allowed ticket project keys (the part before the first '-'); empty allows any
     * @param jira optional: check each reference exists in Jira
     */
    record Config(List<String> in, String pattern, List<String> keys, Jira jira) {}

    /**
     * Check referenced tickets in Jira.
     *
     * @param url Jira's base URL
     * @param tokenEnv environment variable holding the token (a personal access token, or an API token with userEnv)
     * @param userEnv environment variable holding the user name for Jira Cloud's user:token authentication
     * @param states ticket states that count (e.g. In Progress); empty: any existing ticket counts
     */
    record Jira(String url, String tokenEnv, String userEnv, List<String> states) {}

    /** The parts of a merge request a ticket may be referenced in. */
    enum Field {
        TITLE("title", c -> c.mergeRequest().title()),
        DESCRIPTION("description", c -> c.mergeRequest().description()),
        SOURCE_BRANCH("sourceBranch", c -> c.mergeRequest().sourceBranch()),
        COMMITS(
                "commits",
                c -> String.join("\n", c.commits().stream().map(Commit::message).toList()));

        final String yamlName;
        final Function<RuleContext, String> reader;

        Field(String yamlName, Function<RuleContext, String> reader) {
            this.yamlName = yamlName;
            this.reader = reader;
        }

        static Field parse(String index, String name) {
            return Arrays.stream(values())
                    .filter(f -> f.yamlName.equals(name))
                    .findFirst()
                    .orElseThrow(() -> new InvalidRuleException(
                            "in" + index,
                            "unknown place '" + name + "'; one of "
                                    + Arrays.stream(values())
                                            .map(f -> f.yamlName)
                                            .toList()));
        }
    }

    private final List<Field> in;
    private final Pattern pattern;
    private final Set<String> keys;
    private final JiraTickets jira;
    private final List<String> jiraStates;

    private TicketRule(Config config) {
        List<String> names = config.in() == null ? List.of("title", "description") : config.in();
        if (names.isEmpty()) {
            throw new InvalidRuleException("in", "must name at least one place to look");
        }
        List<Field> fields = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            fields.add(Field.parse("[" + i + "]", names.get(i)));
        }
        this.in = List.copyOf(fields);
        this.pattern = RegexFields.compile("pattern", config.pattern() == null ? DEFAULT_PATTERN : config.pattern());
        this.keys = config.keys() == null ? Set.of() : new LinkedHashSet<>(config.keys());
        this.jira = config.jira() == null ? null : jira(config.jira());
        this.jiraStates = config.jira() == null || config.jira().states() == null
                ? List.of()
                : config.jira().states();
    }

    private static JiraTickets jira(Jira config) {
        URI url;
        try {
            url = config.url() == null ? null : new URI(config.url());
        } catch (URISyntaxException e) {
            url = null;
        }
        if (url == null
                || !List.of("http", "https").contains(String.valueOf(url.getScheme()))
                || url.getHost() == null) {
            throw new InvalidRuleException(
                    "jira.url", "must be Jira's http(s) base URL, e.g. https://jira.example.com");
        }
        if (config.tokenEnv() == null || config.tokenEnv().isBlank()) {
            throw new InvalidRuleException(
                    "jira.tokenEnv", "is required: the environment variable holding the Jira token");
        }
        return new JiraTickets(
                url,
                HttpCalls.secretVariable("jira.tokenEnv", config.tokenEnv()),
                HttpCalls.secretVariable("jira.userEnv", config.userEnv()));
    }

    @Override
    public List<OutboundCall> outboundCalls() {
        return jira == null ? List.of() : List.of(jira.outboundCall());
    }

    @Override
    public RuleResult evaluate(RuleContext context) {
        Map<String, Object> seen = new LinkedHashMap<>();
        List<String> found = new ArrayList<>();
        for (Field field : in) {
            String text = field.reader.apply(context);
            seen.put(field.yamlName, shorten(text));
            Matcher matcher = pattern.matcher(text);
            while (matcher.find()) {
                found.add(matcher.group());
            }
        }
        seen.put("tickets", found);
        Evidence evidence = new Evidence(seen, expected());
        List<String> allowed =
                found.stream().filter(this::hasAllowedKey).distinct().toList();
        if (!allowed.isEmpty()) {
            return jira == null
                    ? RuleResult.passed(TYPE.name(), "references " + String.join(", ", allowed), evidence)
                    : checkInJira(allowed, seen);
        }
        if (found.isEmpty()) {
            return RuleResult.failed(TYPE.name(), "no ticket reference in " + places(), evidence);
        }
        return RuleResult.failed(
                TYPE.name(),
                "ticket " + String.join(", ", found) + " is not in an allowed project (" + String.join(", ", keys)
                        + ")",
                evidence);
    }

    private RuleResult checkInJira(List<String> tickets, Map<String, Object> seen) {
        Map<String, String> states = new LinkedHashMap<>();
        List<String> good = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (String ticket : tickets) {
            Optional<String> state = jira.state(ticket);
            states.put(ticket, state.orElse("does not exist"));
            if (state.isEmpty()) {
                problems.add(ticket + " does not exist in Jira");
            } else if (!jiraStates.isEmpty() && !jiraStates.contains(state.get())) {
                problems.add(ticket + " is " + state.get() + ", not one of " + jiraStates);
            } else {
                good.add(ticket + " (" + state.get() + ")");
            }
        }
        seen.put("jira", states);
        Evidence evidence = new Evidence(
                seen,
                expected() + " that exists in Jira" + (jiraStates.isEmpty() ? "" : " in a state of " + jiraStates));
        return good.isEmpty()
                ? RuleResult.failed(TYPE.name(), String.join("; ", problems), evidence)
                : RuleResult.passed(TYPE.name(), "references " + String.join(", ", good), evidence);
    }

    private boolean hasAllowedKey(String ticket) {
        int dash = ticket.indexOf('-');
        return keys.isEmpty()
                || (dash > 0 && keys.contains(ticket.substring(0, dash).toUpperCase(Locale.ROOT)));
    }

    private String expected() {
        String keyPart = keys.isEmpty() ? "" : " with project key in " + keys;
        return "a reference matching " + pattern.pattern() + keyPart + " in " + places();
    }

    private String places() {
        return String.join(" or ", in.stream().map(f -> f.yamlName).toList());
    }

    private static String shorten(String text) {
        return text.length() <= SHOWN_TEXT ? text : text.substring(0, SHOWN_TEXT) + "…";
    }
}
