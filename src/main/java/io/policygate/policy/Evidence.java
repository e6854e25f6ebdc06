package io.policygate.policy;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What a rule looked at and what it wanted: the explanation is built from this data, so the MR note,
 * the API and the CLI all say the same thing.
 */
public record Evidence(Map<String, Object> seen, String expected) {

    public Evidence {
        seen = Collections.unmodifiableMap(new LinkedHashMap<>(seen));
    }

    /** One value seen, as text. */
    public record Fact(String name, String value) {}

    /** The values seen as text, lists joined with commas, each cut after {@code maxLength} characters. */
    public List<Fact> facts(int maxLength) {
        return seen.entrySet().stream()
                .map(e -> new Fact(e.getKey(), cut(text(e.getValue()), maxLength)))
                .toList();
    }

    private static String text(Object value) {
        if (value instanceof Collection<?> items) {
            return items.isEmpty() ? "none" : items.stream().map(Evidence::text).collect(Collectors.joining(", "));
        }
        return String.valueOf(value);
    }

    private static String cut(String text, int maxLength) {
        return text.length() <= maxLength ? text : text.substring(0, maxLength) + "…";
    }
}
