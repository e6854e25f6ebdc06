package io.policygate.note;

import io.policygate.gitlab.MergeRequestNotes;
import io.policygate.policy.Evidence;
import io.policygate.policy.PolicyResult;
import io.policygate.policy.RuleResult;
import io.policygate.policy.Verdict;
import io.policygate.policy.VerdictStatus;
import java.net.URI;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Markdown of the merge request note that explains a verdict. Rule messages and evidence carry text
 * from the merge request (titles, branch names, paths), so none of it can start a line (GitLab runs
 * quick actions such as /approve from lines of a note), mention anyone, or add Markdown: messages are
 * escaped and values sit in code spans.
 */
public final class VerdictNote {

    private static final int MAX_MESSAGE = 500;
    private static final int MAX_VALUE = 200;
    private static final Pattern MARKDOWN = Pattern.compile("[\\\\`*_{}\\[\\]<>()#+!|~&]");
    private static final Pattern BACKTICKS = Pattern.compile("`+");
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    /**
     * What the note is about. {@code checkName} may be null (plain webhooks have none); {@code tampered} is true
     * when the verdict replaced a passed status policy-gate had not given.
     */
    public record Subject(
            long checkId, String checkName, String sha, String evaluationId, Instant decidedAt, boolean tampered) {}

    private VerdictNote() {}

    /** @param detailsUrl the evaluation's page; none without policy-gate.public-url */
    public static String markdown(Subject subject, Verdict verdict, Optional<URI> detailsUrl) {
        StringBuilder note = new StringBuilder(MergeRequestNotes.marker(subject.checkId())).append('\n');
        boolean failed = verdict.status() == VerdictStatus.FAILED;
        String check = subject.checkName() == null || subject.checkName().isBlank()
                ? "policy-gate"
                : plain(subject.checkName());
        note.append("### ")
                .append(failed ? ":x: " : ":white_check_mark: ")
                .append(check)
                .append(": ")
                .append(failed ? "failed" : "passed")
                .append("\n\n");
        String commit =
                code(subject.sha().substring(0, Math.min(8, subject.sha().length())));
        if (subject.tampered()) {
            note.append(":warning: GitLab showed this check as **passed** for commit ")
                    .append(commit)
                    .append(", which policy-gate had not passed: anyone with the Developer role can post a status"
                            + " to a check. policy-gate's verdict below replaces it, and the evaluation is recorded"
                            + " as tampered.\n\n");
        }
        note.append("Commit ")
                .append(commit)
                .append(" was checked against ")
                .append(count(verdict.policies().size(), "policy", "policies"));
        long failing =
                verdict.policies().stream().filter(PolicyResult::blocking).count();
        if (verdict.policies().isEmpty()) {
            note.append(": none applies to this merge request (policy-gate.no-policy-verdict decides).\n");
        } else if (failing == 0) {
            note.append(": every enforced policy passes.\n");
        } else {
            note.append("; ")
                    .append(count(failing, "fails", "fail"))
                    .append(". Fix what is listed below and push" + " again; the check runs on every push.\n");
        }
        failures(note, verdict.policies(), RuleResult::failsCheck);
        if (verdict.policies().stream().flatMap(p -> p.rules().stream()).anyMatch(RuleResult::failsWhenEnforced)) {
            note.append("\n**Audit only** (would fail when enforced; does not block this merge request):\n");
            failures(note, verdict.policies(), RuleResult::failsWhenEnforced);
        }
        note.append('\n');
        detailsUrl.ifPresentOrElse(
                url -> note.append("[Why, rule by rule](").append(url).append(") · "),
                () -> note.append("Details: set `policy-gate.public-url` to link them here · "));
        note.append("evaluation ")
                .append(code(subject.evaluationId()))
                .append(" · ")
                .append(TIME.format(subject.decidedAt()))
                .append('\n');
        return note.toString();
    }

    private static void failures(StringBuilder note, List<PolicyResult> policies, Predicate<RuleResult> listed) {
        for (PolicyResult policy : policies) {
            for (RuleResult rule : policy.rules()) {
                if (!listed.test(rule)) {
                    continue;
                }
                note.append("- **")
                        .append(plain(policy.policy()))
                        .append("** (")
                        .append(code(rule.type()))
                        .append(rule.outcome().wireName().equals("error") ? ", could not be checked" : "")
                        .append("): ")
                        .append(plain(rule.message()))
                        .append('\n');
                Evidence evidence = rule.evidence();
                if (evidence == null) {
                    continue;
                }
                List<Evidence.Fact> facts = evidence.facts(MAX_VALUE);
                if (!facts.isEmpty()) {
                    note.append("  - seen: ");
                    for (int i = 0; i < facts.size(); i++) {
                        note.append(i == 0 ? "" : "; ")
                                .append(plain(facts.get(i).name()))
                                .append(' ')
                                .append(code(facts.get(i).value()));
                    }
                    note.append('\n');
                }
                if (evidence.expected() != null && !evidence.expected().isBlank()) {
                    note.append("  - expected: ")
                            .append(plain(evidence.expected()))
                            .append('\n');
                }
            }
        }
    }

    private static String count(long n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }

    /**
     * Text on one line with Markdown escaped and mentions broken by an invisible word joiner; {@code &} is
     * escaped too, or an entity such as {@code &#64;all} would render as a mention.
     */
    static String plain(String text) {
        String line = oneLine(text, MAX_MESSAGE);
        return MARKDOWN.matcher(line).replaceAll("\\\\$0").replace("@", "@\u2060");
    }

    /** A code span that holds any text: its fence is longer than any run of backticks inside. */
    static String code(String text) {
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
