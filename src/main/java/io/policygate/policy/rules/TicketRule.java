package io.policygate.policy.rules;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import io.policygate.policy.Evidence;
import io.policygate.policy.MergeRequestContext;
import io.policygate.policy.RuleContext;
import io.policygate.policy.RuleResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** Requires a ticket reference (e.g. PAY-123) in chosen parts of the merge request. */
final class TicketRule implements Rule {

    static final String DEFAULT_PATTERN = "[A-Z][A-Z0-9]+-[0-9]+";
    static final RuleType<Config> TYPE = new RuleType<>("ticket", Config.class, TicketRule::new);
    private static final int SHOWN_TEXT = 200;

    /**
     * @param in where to look: title, description, sourceBranch (default title and description)
     * @param pattern what a reference looks like
     * @param keys allowed ticket project keys (the part before the first '-'); empty allows any
     */
    record Config(List<String> in, String pattern, List<String> keys) {
    }

    /** The parts of a merge request a ticket may be referenced in. */
    enum Field {
        TITLE("title", MergeRequestContext::title),
        DESCRIPTION("description", MergeRequestContext::description),
        SOURCE_BRANCH("sourceBranch", MergeRequestContext::sourceBranch);

        final String yamlName;
        final Function<MergeRequestContext, String> reader;

        Field(String yamlName, Function<MergeRequestContext, String> reader) {
            this.yamlName = yamlName;
            this.reader = reader;
        }

        static Field parse(String index, String name) {
            return Arrays.stream(values())
                    .filter(f -> f.yamlName.equals(name))
                    .findFirst()
                    .orElseThrow(() -> new InvalidRuleException("in" + index,
                            "unknown place '" + name + "'; one of " + Arrays.stream(values()).map(f -> f.yamlName).toList()));
        }
    }

    private final List<Field> in;
    private final Pattern pattern;
    private final Set<String> keys;

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
    }

    @Override
    public RuleResult evaluate(RuleContext context) {
        Map<String, Object> seen = new LinkedHashMap<>();
        List<String> found = new ArrayList<>();
        for (Field field : in) {
            String text = field.reader.apply(context.mergeRequest());
            seen.put(field.yamlName, shorten(text));
            Matcher matcher = pattern.matcher(text);
            while (matcher.find()) {
                found.add(matcher.group());
            }
        }
        seen.put("tickets", found);
        Evidence evidence = new Evidence(seen, expected());
        List<String> allowed = found.stream().filter(this::hasAllowedKey).toList();
        if (!allowed.isEmpty()) {
            return RuleResult.passed(TYPE.name(), "references " + String.join(", ", allowed), evidence);
        }
        if (found.isEmpty()) {
            return RuleResult.failed(TYPE.name(), "no ticket reference in " + places(), evidence);
        }
        return RuleResult.failed(TYPE.name(),
                "ticket " + String.join(", ", found) + " is not in an allowed project (" + String.join(", ", keys) + ")",
                evidence);
    }

    private boolean hasAllowedKey(String ticket) {
        int dash = ticket.indexOf('-');
        return keys.isEmpty() || (dash > 0 && keys.contains(ticket.substring(0, dash).toUpperCase(Locale.ROOT)));
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
