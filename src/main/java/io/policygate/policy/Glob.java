package io.policygate.policy;

import com.google.re2j.Pattern;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A glob as policy authors write them: {@code *} matches within one path segment, {@code **} across
 * segments, {@code ?} one character. Compiled to RE2J so matching stays linear on any input.
 */
public final class Glob {

    private final String text;
    private final Pattern pattern;

    private Glob(String text, Pattern pattern) {
        this.text = text;
        this.pattern = pattern;
    }

    public static Glob of(String text) {
        String regex = steps(text).stream().map(Step::regex).collect(Collectors.joining());
        return new Glob(text, Pattern.compile(regex, Pattern.DOTALL));
    }

    public boolean matches(String value) {
        return value != null && pattern.matches(value);
    }

    /**
     * True when some text matches both this glob and {@code other}: a search over pairs of places in the two globs,
     * moving through both on a character both take, or past a star in one that takes nothing more. Used to tell a
     * waiver whose projects can never be among its policy's.
     */
    public boolean overlaps(Glob other) {
        List<Step> a = steps(text);
        List<Step> b = steps(other.text);
        boolean[][] seen = new boolean[a.size() + 1][b.size() + 1];
        Deque<int[]> todo = new ArrayDeque<>();
        todo.push(new int[] {0, 0});
        while (!todo.isEmpty()) {
            int[] at = todo.pop();
            int i = at[0];
            int j = at[1];
            if (seen[i][j]) {
                continue;
            }
            seen[i][j] = true;
            if (i == a.size() && j == b.size()) {
                return true;
            }
            if (i < a.size() && a.get(i).repeats()) {
                todo.push(new int[] {i + 1, j});
            }
            if (j < b.size() && b.get(j).repeats()) {
                todo.push(new int[] {i, j + 1});
            }
            if (i < a.size() && j < b.size() && a.get(i).meets(b.get(j))) {
                todo.push(new int[] {a.get(i).repeats() ? i : i + 1, b.get(j).repeats() ? j : j + 1});
            }
        }
        return false;
    }

    /**
     * One place of a glob: a character ({@code literal}), or any character but '/' ({@code ?}, {@code *}), or any at
     * all ({@code **}); {@code repeats} for the stars, which take any number.
     */
    private record Step(Character literal, boolean crossesSlash, boolean repeats) {
        String regex() {
            if (literal != null) {
                return Pattern.quote(String.valueOf(literal));
            }
            return crossesSlash ? ".*" : repeats ? "[^/]*" : "[^/]";
        }

        boolean meets(Step other) {
            if (literal != null && other.literal != null) {
                return literal.equals(other.literal);
            }
            Character c = literal != null ? literal : other.literal;
            return c == null || c != '/' || (literal == null ? crossesSlash : other.crossesSlash);
        }
    }

    private static List<Step> steps(String text) {
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '*' && i + 1 < text.length() && text.charAt(i + 1) == '*') {
                steps.add(new Step(null, true, true));
                i++;
            } else if (c == '*' || c == '?') {
                steps.add(new Step(null, false, c == '*'));
            } else {
                steps.add(new Step(c, false, false));
            }
        }
        return steps;
    }

    @Override
    public String toString() {
        return text;
    }
}
