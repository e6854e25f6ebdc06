package io.policygate.coverage;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.policygate.config.CoverageConfig;
import io.policygate.gitlab.Merge;
import io.policygate.gitlab.MergeRequest;
import io.policygate.gitlab.MergeRequestNotes;
import io.policygate.gitlab.MergeRequestReads;
import io.policygate.gitlab.StatusCheck;
import io.policygate.journal.MergeRecords;
import io.policygate.journal.MergeRecords.MergeRecord;
import io.policygate.journal.MergeRecords.VerdictOnCommit;
import io.policygate.note.MarkdownEscapes;
import io.policygate.policy.DataUnavailableException;
import io.policygate.web.PagePaths;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Did every change that reached a covered project's branches pass the gate? For each merge the reconciliation sweep
 * lists, this records whether policy-gate's own verdict on the merged commit was {@code passed} (waived rules
 * included) when GitLab merged it; a merge is ungated otherwise, with the reason, logged (WARN), counted
 * ({@code policy_gate_ungated_merges_total{project}}) and, unless policy-gate.coverage.note-ungated is off, told on
 * the merge request. Merges before policy-gate covered a project are out of scope, as is every merge before the
 * first sweep (it lists open merge requests only).
 *
 * <p>It costs GitLab nothing for a gated merge (the listing already says what was merged, by whom and when) and one
 * read of the merge request's status checks for an ungated one: they say whether policy-gate's check applied to it at
 * all and what GitLab showed, which tells a forged status from a merge while failed.
 */
@ApplicationScoped
public class MergeAudit {

    private static final Logger LOG = Logger.getLogger(MergeAudit.class);
    /** The hidden line that marks policy-gate's note on a merge request merged without its pass. */
    static final String MARKER = "<!-- policy-gate merged-without-pass -->";
    /**
     * How much later than GitLab's merged_at policy-gate may have recorded that GitLab took its verdict: policy-gate
     * notes the time before it posts, GitLab stamps the merge after it took the status, and the clocks differ.
     */
    private static final Duration CLOCK_SKEW = Duration.ofMinutes(1);
    /** Notes written per sweep: the rest wait for the next (they are in the journal). */
    private static final int NOTES_PER_SWEEP = 50;

    /** Whether a merge passed the gate, why not, and the evaluation that decided (null when none did). */
    record Judgement(boolean gated, String reason, String evaluationId) {
        static Judgement ungated(String reason, VerdictOnCommit evaluation) {
            return new Judgement(false, reason, evaluation == null ? null : evaluation.id());
        }
    }

    private final MergeRecords records;
    private final MergeRequestReads reads;
    private final MergeRequestNotes notes;
    private final CoverageConfig config;
    private final PagePaths paths;
    private final MeterRegistry metrics;
    private final Clock clock;

    @Inject
    public MergeAudit(
            MergeRecords records,
            MergeRequestReads reads,
            MergeRequestNotes notes,
            CoverageConfig config,
            PagePaths paths,
            MeterRegistry metrics,
            Clock clock) {
        this.records = records;
        this.reads = reads;
        this.notes = notes;
        this.config = config;
        this.paths = paths;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * Records the merge of {@code mr}, which GitLab listed merged, for policy-gate's status checks {@code ours} of its
     * project; nothing when it is recorded already, out of scope, or GitLab did not say when it merged.
     */
    public void merged(MergeRequest mr, Merge merge, Set<Long> ours) {
        Optional<Instant> at = merge.at();
        if (at.isEmpty() || ours == null || ours.isEmpty() || records.recorded(mr.projectId(), mr.iid())) {
            return;
        }
        Optional<Instant> since = records.coveredSince(mr.projectId());
        if (since.isEmpty() || at.get().isBefore(since.get())) {
            return;
        }
        String sha = mr.sha() == null ? "" : mr.sha();
        List<VerdictOnCommit> verdicts = records.verdicts(mr.projectId(), mr.iid(), ours);
        Judgement judgement = judge(sha, at.get(), verdicts);
        if (!judgement.gated()) {
            judgement = judge(sha, at.get(), verdicts, shownByGitLab(mr, ours), mr.targetBranch());
        }
        MergeRecord record = new MergeRecord(
                mr.projectId(),
                mr.projectPath().orElse(null),
                mr.iid(),
                mr.title(),
                mr.targetBranch(),
                mr.webUrl(),
                sha,
                merge.commit(),
                at.get(),
                merge.by(),
                judgement.gated(),
                judgement.reason(),
                judgement.evaluationId());
        boolean note = !judgement.gated() && config.noteUngated();
        if (!records.record(record, note, clock.instant()) || judgement.gated()) {
            return;
        }
        String project = record.projectPath() == null ? String.valueOf(record.projectId()) : record.projectPath();
        Counter.builder("policy_gate_ungated_merges_total")
                .description("Merges of covered projects' merge requests without policy-gate's pass")
                .tag("project", project)
                .register(metrics)
                .increment();
        LOG.warnf(
                "Ungated merge: %s!%d merged at %s by %s into %s without policy-gate's pass: %s",
                project,
                record.mergeRequestIid(),
                MergeRecords.shortSha(sha),
                by(record).isEmpty() ? "(unknown)" : "@" + by(record),
                record.targetBranch(),
                judgement.reason());
    }

    /** Writes the notes of ungated merges that are due, a few each sweep; one GitLab refuses is not tried again. */
    public void writeDueNotes() {
        for (MergeRecord merge : records.notesDue(NOTES_PER_SWEEP)) {
            MergeRequestNotes.Outcome outcome =
                    notes.write(merge.projectId(), merge.mergeRequestIid(), MARKER, note(merge), true);
            boolean again = outcome instanceof MergeRequestNotes.Outcome.Transient;
            records.noteWritten(merge.projectId(), merge.mergeRequestIid(), outcome.detail(), again);
            if (again) {
                return;
            }
        }
    }

    /**
     * From the journal alone: gated when policy-gate's newest verdict on the merged commit that GitLab took before the
     * merge was passed.
     */
    static Judgement judge(String sha, Instant mergedAt, List<VerdictOnCommit> verdicts) {
        Optional<VerdictOnCommit> decided = decidedBefore(sha, mergedAt, verdicts);
        return decided.filter(v -> "passed".equals(v.verdict())).isPresent()
                ? new Judgement(true, null, decided.get().id())
                : new Judgement(false, null, decided.map(VerdictOnCommit::id).orElse(null));
    }

    /**
     * Why a merge without policy-gate's pass is ungated, from the journal and what GitLab shows of policy-gate's check
     * on it: {@code shown} is that check's status, empty when GitLab lists none of policy-gate's checks on the merge
     * request, null when GitLab could not be read.
     */
    static Judgement judge(
            String sha, Instant mergedAt, List<VerdictOnCommit> verdicts, Optional<String> shown, String branch) {
        String commit = MergeRecords.shortSha(sha);
        List<VerdictOnCommit> onCommit =
                verdicts.stream().filter(v -> sha.equalsIgnoreCase(v.sha())).toList();
        Optional<VerdictOnCommit> decided = decidedBefore(sha, mergedAt, verdicts);
        if (shown != null && shown.isEmpty()) {
            return Judgement.ungated(
                    "policy-gate's status check does not apply to this merge request: it was removed, or is limited"
                            + " to branches other than " + branch,
                    decided.orElse(null));
        }
        boolean everPassed = onCommit.stream().anyMatch(v -> "passed".equals(v.verdict()) && v.postedAt() != null);
        Optional<VerdictOnCommit> forged =
                onCommit.stream().filter(v -> v.tampered() != null).findFirst();
        if (forged.isPresent() || (shown != null && "passed".equals(shown.get()) && !everPassed)) {
            return Judgement.ungated(
                    "status forged: GitLab showed policy-gate's check passed at " + commit + ", but policy-gate's"
                            + " verdict was "
                            + decided.map(VerdictOnCommit::verdict).orElse("not given"),
                    forged.or(() -> decided).orElse(null));
        }
        if (decided.isPresent()) {
            return Judgement.ungated(
                    "merged while policy-gate's verdict on " + commit + " was "
                            + decided.get().verdict(),
                    decided.get());
        }
        if (!onCommit.isEmpty()) {
            return Judgement.ungated(
                    "merged before policy-gate's verdict on " + commit + " reached GitLab", onCommit.get(0));
        }
        if (!verdicts.isEmpty()) {
            return Judgement.ungated(
                    "policy-gate judged only other commits (the newest "
                            + MergeRecords.shortSha(verdicts.get(0).sha()) + "), not the merged " + commit,
                    verdicts.get(0));
        }
        return Judgement.ungated("never judged: policy-gate had no webhook for this merge request", null);
    }

    /** The newest verdict on {@code sha} that GitLab took before the merge. */
    private static Optional<VerdictOnCommit> decidedBefore(
            String sha, Instant mergedAt, List<VerdictOnCommit> verdicts) {
        return verdicts.stream()
                .filter(v -> sha.equalsIgnoreCase(v.sha()) && v.verdict() != null && v.postedAt() != null)
                .filter(v -> !v.postedAt().isAfter(mergedAt.plus(CLOCK_SKEW)))
                .max(Comparator.comparing(VerdictOnCommit::postedAt));
    }

    /** The status GitLab shows for one of policy-gate's checks on the merge request; null when it cannot be read. */
    private Optional<String> shownByGitLab(MergeRequest mr, Set<Long> ours) {
        try {
            return reads.statusChecks(mr.projectId(), mr.iid()).stream()
                    .filter(check -> ours.contains(check.id()))
                    .map(StatusCheck::status)
                    .max(Comparator.comparing("passed"::equals));
        } catch (DataUnavailableException e) {
            LOG.warnf(
                    "The status checks of merged %d!%d could not be read (%s): its reason says what the journal"
                            + " knows",
                    mr.projectId(), mr.iid(), e.getMessage());
            return null;
        }
    }

    private String note(MergeRecord merge) {
        StringBuilder body = new StringBuilder(MARKER).append("\n");
        body.append("**policy-gate: merged without policy-gate's pass.** ");
        body.append("Commit `")
                .append(MergeRecords.shortSha(merge.sha()))
                .append("` was merged into ")
                .append(MarkdownEscapes.code(merge.targetBranch()))
                .append(" at ")
                .append(merge.mergedAt())
                .append(by(merge).isEmpty() ? "" : " by " + MarkdownEscapes.plain(by(merge)))
                .append(".\n\nWhy: ")
                .append(MarkdownEscapes.plain(merge.reason()))
                .append(".\n");
        paths.address("/merges?gated=false&project=" + merge.projectId())
                .ifPresent(url -> body.append("\nEvery ungated merge of this project: ")
                        .append(url)
                        .append("\n"));
        if (merge.evaluationId() != null) {
            paths.address("/evaluations/" + merge.evaluationId())
                    .ifPresent(url ->
                            body.append("policy-gate's verdict: ").append(url).append("\n"));
        }
        return body.toString();
    }

    private static String by(MergeRecord merge) {
        return merge.mergedBy() == null ? "" : merge.mergedBy();
    }
}
