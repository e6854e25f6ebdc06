package io.policygate.note;

import io.quarkus.qute.TemplateExtension;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the note's template puts text from a merge request into Markdown: {@code {text.plain}} for prose,
 * {@code {value.code}} for values. Rule messages and evidence carry text from the merge request (titles, branch
 * names, paths), so none of it can start a line (GitLab runs quick actions such as /approve from lines of a note),
 * mention anyone, link anywhere, or add Markdown.
 */
@TemplateExtension
public final class MarkdownEscapes {

    private static final int MAX_MESSAGE = 500;
    private static final int MAX_VALUE = 200;
    private static final Pattern MARKDOWN = Pattern.compile("[\\\\`*_{}\\[\\]<>()#+!|~&]");
    private static final Pattern BACKTICKS = Pattern.compile("`+");
    /** What GitLab's Markdown turns into a link by itself: a scheme's "://" and a "www." (GLFM autolinks). */
    private static final Pattern AUTOLINK = Pattern.compile("(?i)(://|\\bwww\\.)");

    private MarkdownEscapes() {}

    /**
     * Text on one line with Markdown escaped, and mentions and bare addresses broken by an invisible word joiner
     * (U+2060), so that a title cannot mention anyone nor put a link in policy-gate's note; {@code &} is escaped
     * too, or an entity such as {@code &#64;all} would render as a mention.
     */
    public static String plain(String text) {
        String line = oneLine(text, MAX_MESSAGE);
        String escaped = MARKDOWN.matcher(line).replaceAll("\\\\$0").replace("@", "@\u2060");
        return AUTOLINK.matcher(escaped)
                .replaceAll(found -> found.group().charAt(0) == ':'
                        ? ":\u2060//"
                        : Matcher.quoteReplacement(found.group().substring(0, 3) + "\u2060."));
    }

    /** A code span that holds any text: its fence is longer than any run of backticks inside. */
    public static String code(String text) {
        String line = oneLine(text, MAX_VALUE);
        if (line.isEmpty()) {
            return "*(empty)*";
        }
        int longest = 0;
        Matcher runs = BACKTICKS.matcher(line);
        while (runs.find()) {
            longest = Math.max(longest, runs.group().length());
        }
        String fence = "`".repeat(longest + 1);
        String pad = line.startsWith("`") || line.endsWith("`") ? " " : "";
        return fence + pad + line + pad + fence;
    }

    private static String oneLine(String text, int maxLength) {
        String line = text == null ? "" : text.replaceAll("\\s+", " ").strip();
        return line.length() <= maxLength ? line : line.substring(0, maxLength) + "…";
    }
}
