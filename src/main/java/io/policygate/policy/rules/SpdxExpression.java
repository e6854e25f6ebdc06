package io.policygate.policy.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * An SPDX license expression (SPDX 2.3 Annex D): license ids, {@code +}, {@code WITH} exceptions,
 * {@code AND}, {@code OR} and parentheses, with AND binding tighter than OR. Ids are kept as written;
 * {@link SpdxLicenses} decides which exist.
 */
sealed interface SpdxExpression {

    /** One license, possibly "or later" and with an exception: {@code GPL-2.0-only WITH Classpath-exception-2.0}. */
    record License(String id, boolean orLater, String exception) implements SpdxExpression {
        @Override
        public String toString() {
            return id + (orLater ? "+" : "") + (exception == null ? "" : " WITH " + exception);
        }
    }

    record All(List<SpdxExpression> terms) implements SpdxExpression {
        @Override
        public String toString() {
            return "("
                    + String.join(" AND ", terms.stream().map(String::valueOf).toList()) + ")";
        }
    }

    record Any(List<SpdxExpression> terms) implements SpdxExpression {
        @Override
        public String toString() {
            return "(" + String.join(" OR ", terms.stream().map(String::valueOf).toList()) + ")";
        }
    }

    /** Every license named, in order. */
    default List<License> licenses() {
        List<License> all = new ArrayList<>();
        collect(this, all);
        return all;
    }

    private static void collect(SpdxExpression e, List<License> into) {
        if (e instanceof License l) {
            into.add(l);
        } else if (e instanceof All a) {
            a.terms().forEach(t -> collect(t, into));
        } else if (e instanceof Any o) {
            o.terms().forEach(t -> collect(t, into));
        }
    }

    /** Whether the licence terms can be met using only licenses {@code acceptable} accepts (OR: pick one). */
    default boolean satisfiable(Predicate<License> acceptable) {
        if (this instanceof License l) {
            return acceptable.test(l);
        }
        if (this instanceof All a) {
            return a.terms().stream().allMatch(t -> t.satisfiable(acceptable));
        }
        return ((Any) this).terms().stream().anyMatch(t -> t.satisfiable(acceptable));
    }

    /**
     * The deepest nesting of parentheses accepted. Real declarations nest two or three deep; the parser and the
     * checks recurse once per level, and a line nested thousands deep would overflow the stack.
     */
    int MAX_DEPTH = 32;

    /** @throws IllegalArgumentException with a message saying where the expression is malformed */
    static SpdxExpression parse(String text) {
        Parser parser = new Parser(tokens(text), text);
        SpdxExpression expression = parser.or();
        if (parser.position < parser.tokens.size()) {
            throw new IllegalArgumentException(
                    "unexpected '" + parser.tokens.get(parser.position) + "' in '" + parser.shown() + "'");
        }
        return expression;
    }

    private static List<String> tokens(String text) {
        List<String> tokens = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        for (char c : text.toCharArray()) {
            if (c == '(' || c == ')' || Character.isWhitespace(c)) {
                if (!word.isEmpty()) {
                    tokens.add(word.toString());
                    word.setLength(0);
                }
                if (!Character.isWhitespace(c)) {
                    tokens.add(String.valueOf(c));
                }
            } else {
                word.append(c);
            }
        }
        if (!word.isEmpty()) {
            tokens.add(word.toString());
        }
        return tokens;
    }

    /** Recursive descent over the tokens; operators are accepted in upper or lower case. */
    final class Parser {
        private final List<String> tokens;
        private final String text;
        private int position;
        private int depth;

        private Parser(List<String> tokens, String text) {
            this.tokens = tokens;
            this.text = text;
        }

        SpdxExpression or() {
            List<SpdxExpression> terms = new ArrayList<>(List.of(and()));
            while (accept("OR")) {
                terms.add(and());
            }
            return terms.size() == 1 ? terms.get(0) : new Any(terms);
        }

        private SpdxExpression and() {
            List<SpdxExpression> terms = new ArrayList<>(List.of(with()));
            while (accept("AND")) {
                terms.add(with());
            }
            return terms.size() == 1 ? terms.get(0) : new All(terms);
        }

        private SpdxExpression with() {
            if (accept("(")) {
                if (++depth > MAX_DEPTH) {
                    throw new IllegalArgumentException(
                            "parentheses nested more than " + MAX_DEPTH + " deep in '" + shown() + "'");
                }
                SpdxExpression inner = or();
                if (!accept(")")) {
                    throw new IllegalArgumentException("missing ')' in '" + shown() + "'");
                }
                depth--;
                return inner;
            }
            String id = next("a license id");
            if (isOperator(id) || id.equals(")")) {
                throw new IllegalArgumentException("a license id is missing before '" + id + "' in '" + shown() + "'");
            }
            boolean orLater = id.endsWith("+");
            String bare = orLater ? id.substring(0, id.length() - 1) : id;
            String exception = accept("WITH") ? next("an exception id after WITH") : null;
            return new License(bare, orLater, exception);
        }

        private boolean accept(String token) {
            if (position < tokens.size()
                    && tokens.get(position).toUpperCase(Locale.ROOT).equals(token)) {
                position++;
                return true;
            }
            return false;
        }

        private String next(String what) {
            if (position >= tokens.size()) {
                throw new IllegalArgumentException(what + " is missing at the end of '" + shown() + "'");
            }
            return tokens.get(position++);
        }

        /** The expression as messages quote it: its start, when it is long. */
        private String shown() {
            return text.length() <= 120 ? text : text.substring(0, 120) + "…";
        }

        private static boolean isOperator(String token) {
            return List.of("AND", "OR", "WITH").contains(token.toUpperCase(Locale.ROOT));
        }
    }
}
