package io.policygate.note;

import io.policygate.gitlab.MergeRequestNotes;
import io.policygate.policy.Evidence;
import io.policygate.policy.PolicyImpact;
import io.policygate.policy.PolicyOrigin;
import io.policygate.policy.PolicyResult;
import io.policygate.policy.RuleResult;
import io.policygate.policy.Verdict;
import io.policygate.policy.VerdictStatus;
import io.policygate.policy.WaiverUse;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The Markdown of the merge request note that explains a verdict, from the Qute template
 * {@code templates/VerdictNote/note.txt} (plain text: Qute escapes only HTML and XML), which puts every text from
 * the merge request through {@link MarkdownEscapes}.
 */
@ApplicationScoped
public class VerdictNote {

    private static final int MAX_VALUE = 200;
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance note(Note note);
    }

    /**
     * What the note is about. {@code checkName} may be null (plain webhooks have none); {@code tampered} is true
     * when the verdict replaced a passed status policy-gate had not given; {@code policies} where the policy set that
     * decided was read.
     */
    public record Subject(
            long checkId,
            String checkName,
            String sha,
            String evaluationId,
            Instant decidedAt,
            boolean tampered,
            PolicyOrigin policies) {}

    /** What the template shows; texts are raw, the template escapes them. */
    record Note(
            String marker,
            boolean failed,
            String check,
            String commit,
            boolean tampered,
            String policyCount,
            boolean nonePolicy,
            String failingCount,
            List<Line> enforced,
            List<Line> audit,
            List<WaivedLine> waived,
            String detailsUrl,
            String evaluationId,
            String decidedAt,
            String policies,
            Change change) {}

    /**
     * What a change to the policy repository would do elsewhere: {@code notPreviewed} says why nothing was previewed;
     * otherwise the preview's scope and summary, the flips by project, and the preview's page (null without
     * policy-gate.public-url).
     */
    record Change(String notPreviewed, String scope, String summary, List<ProjectFlips> projects, String previewUrl) {}

    /** The merge requests of one project whose verdict would flip. */
    record ProjectFlips(String project, List<FlipLine> flips) {}

    /**
     * A merge request whose verdict would flip: {@code url} only when it is a plain web address (GitLab's), so that
     * nothing stored can shape the note's Markdown; {@code judgedAt} as in {@link PolicyImpact.Flip}.
     */
    record FlipLine(String reference, String url, String title, String live, String candidate, String judgedAt) {

        static FlipLine of(PolicyImpact.Flip flip) {
            return new FlipLine(
                    "!" + flip.iid(),
                    flip.url() != null && WEB_ADDRESS.matcher(flip.url()).matches() ? flip.url() : null,
                    flip.title() == null ? "" : flip.title(),
                    flip.live(),
                    flip.candidate(),
                    flip.judgedAt());
        }
    }

    private static final Pattern WEB_ADDRESS = Pattern.compile("https?://[^\\s()<>\\[\\]]+");

    /** One rule that fails, or would fail when enforced. {@code expected} is null when there is nothing to say. */
    record Line(
            String policy, String type, boolean error, String message, List<Evidence.Fact> facts, String expected) {}

    /** A rule whose failure a waiver excused: what it found, and who excused it until when, and why. */
    record WaivedLine(String policy, String type, String message, WaiverUse waiver) {}

    /**
     * @param detailsUrl the evaluation's page; none without policy-gate.public-url
     * @param previewUrl the page of a stored preview by id; empty without policy-gate.public-url
     */
    public String markdown(
            Subject subject, Verdict verdict, Optional<URI> detailsUrl, Function<String, Optional<URI>> previewUrl) {
        long failing =
                verdict.policies().stream().filter(PolicyResult::blocking).count();
        return Templates.note(new Note(
                        MergeRequestNotes.marker(subject.checkId()),
                        verdict.status() == VerdictStatus.FAILED,
                        subject.checkName() == null || subject.checkName().isBlank()
                                ? "policy-gate"
                                : subject.checkName(),
                        subject.sha().substring(0, Math.min(8, subject.sha().length())),
                        subject.tampered(),
                        count(verdict.policies().size(), "policy", "policies"),
                        verdict.policies().isEmpty(),
                        failing == 0 ? null : count(failing, "fails", "fail"),
                        lines(verdict.policies(), RuleResult::failsCheck),
                        lines(verdict.policies(), RuleResult::failsWhenEnforced),
                        verdict.policies().stream()
                                .flatMap(policy -> policy.rules().stream()
                                        .filter(rule -> rule.waiver() != null)
                                        .map(rule -> new WaivedLine(
                                                policy.policy(), rule.type(), rule.message(), rule.waiver())))
                                .toList(),
                        detailsUrl.map(URI::toString).orElse(null),
                        subject.evaluationId(),
                        TIME.format(subject.decidedAt()),
                        policies(subject.policies()),
                        change(verdict.impact(), previewUrl)))
                .render();
    }

    private static Change change(PolicyImpact impact, Function<String, Optional<URI>> previewUrl) {
        if (impact == null) {
            return null;
        }
        if (impact.notPreviewed() != null) {
            return new Change(impact.notPreviewed(), null, null, List.of(), null);
        }
        return new Change(
                null,
                impact.scope(),
                impact.mergeRequests() + " merge requests: " + impact.toFailed() + " would newly fail, "
                        + impact.toPassed() + " would newly pass"
                        + (impact.notEvaluated() == 0 ? "" : ", " + impact.notEvaluated() + " not evaluated"),
                impact.projects().stream()
                        .map(project -> new ProjectFlips(
                                project,
                                impact.of(project).stream().map(FlipLine::of).toList()))
                        .toList(),
                previewUrl.apply(impact.previewId()).map(URI::toString).orElse(null));
    }

    /** The policy repository and its short commit, for the footer; null for a folder's policies. */
    private static String policies(PolicyOrigin origin) {
        return origin == null || origin.commit() == null
                ? null
                : origin.repository().orElse(origin.source()) + "@"
                        + origin.commit()
                                .substring(0, Math.min(8, origin.commit().length()));
    }

    private static List<Line> lines(List<PolicyResult> policies, Predicate<RuleResult> listed) {
        return policies.stream()
                .flatMap(policy -> policy.rules().stream()
                        .filter(listed)
                        .map(rule -> new Line(
                                policy.policy(),
                                rule.type(),
                                rule.outcome().wireName().equals("error"),
                                rule.message(),
                                rule.evidence() == null
                                        ? List.of()
                                        : rule.evidence().facts(MAX_VALUE),
                                rule.evidence() == null
                                                || rule.evidence().expected() == null
                                                || rule.evidence().expected().isBlank()
                                        ? null
                                        : rule.evidence().expected())))
                .toList();
    }

    private static String count(long n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }
}
