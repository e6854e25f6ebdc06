package io.policygate.history;

import static io.policygate.history.QueryParameters.badParameter;
import static io.policygate.history.QueryParameters.positive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.policygate.event.Trigger;
import io.policygate.gitlab.MergeRequestFacts;
import io.policygate.journal.EvaluationRecords;
import io.policygate.journal.JobState;
import io.policygate.journal.ReportAttempt;
import io.policygate.policy.MergeRequestContext;
import io.policygate.policy.Waiver;
import io.policygate.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The history as the API and the pages show it: filters read from request parameters (each bad one
 * named in a 400), pages of summaries with an opaque cursor, and one evaluation in full.
 */
@ApplicationScoped
public class EvaluationHistory {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 200;

    /**
     * One line of the history. {@code ifEnforced}: the verdict with audit policies and rules enforced (null
     * for evaluations stored before it was recorded). {@code tampered}: what GitLab showed that policy-gate had
     * not given, when the evaluation found that (null otherwise). {@code waivers}: the ids of the waivers that
     * excused a rule of the verdict. {@code policySource} and {@code policyCommit}: where the policy set that decided
     * was read, the folder or the repository, and the repository's commit (null before a verdict, or from a folder).
     */
    public record Summary(
            String id,
            long project,
            String projectPath,
            long mergeRequest,
            String title,
            long statusCheck,
            String sha,
            String state,
            String verdict,
            String ifEnforced,
            String summary,
            int attempts,
            String lastError,
            Instant createdAt,
            Instant finishedAt,
            String tampered,
            List<String> waivers,
            String policySource,
            String policyCommit) {}

    public record Page(List<Summary> evaluations, String nextCursor) {}

    /**
     * The merge request as the verdict saw it: {@code factsFrom} is "gitlab" when the facts are GitLab's answers
     * read for the evaluation, "webhook-body" when a dry run without GitLab judged the names the webhook's trigger
     * kept, "webhook" when only those names are known (an evaluation not reached yet). {@code triggeredBy} and {@code action} are always the
     * webhook's: who did what. {@code origin}: what asked for the evaluation (webhook, reconciliation, register,
     * head-of-merge-request, window).
     */
    public record MergeRequestSummary(
            String projectPath,
            String title,
            String sourceBranch,
            String targetBranch,
            String url,
            String triggeredBy,
            List<String> labels,
            String action,
            String origin,
            String statusCheckName,
            String factsFrom) {}

    /** One evaluation in full; {@code verdict} and {@code policyFiles} are the JSON stored with it. */
    public record Detail(
            Summary evaluation,
            MergeRequestSummary mergeRequest,
            JsonNode verdict,
            JsonNode policyFiles,
            List<ReportAttempt> reportAttempts,
            String note) {}

    private final EvaluationRecords journal;
    private final ObjectMapper json;

    @Inject
    public EvaluationHistory(EvaluationRecords journal, ObjectMapper json) {
        this.journal = journal;
        this.json = json;
    }

    /**
     * The query the request parameters ask for; null parameters mean any.
     *
     * @throws ProblemException 400 naming the first bad parameter
     */
    public static EvaluationRecords.HistoryQuery query(
            String project,
            String mr,
            String status,
            String ifEnforced,
            String tampered,
            String waived,
            String waiver,
            String limit,
            String cursor) {
        JobState state = null;
        String verdict = null;
        if (status != null) {
            if (List.of("passed", "failed").contains(status)) {
                verdict = status;
            } else {
                state = Arrays.stream(JobState.values())
                        .filter(s -> s.dbName().equals(status))
                        .findFirst()
                        .orElseThrow(() -> badParameter(
                                "status",
                                "must be one of passed, failed, queued, evaluating,"
                                        + " reporting, reported, superseded, dead"));
            }
        }
        if (ifEnforced != null && !List.of("passed", "failed").contains(ifEnforced)) {
            throw badParameter("ifEnforced", "must be passed or failed");
        }
        if (tampered != null && !List.of("true", "false").contains(tampered)) {
            throw badParameter("tampered", "must be true or false");
        }
        if (waived != null && !List.of("true", "false").contains(waived)) {
            throw badParameter("waived", "must be true or false");
        }
        if (waiver != null && !Waiver.isValidId(waiver)) {
            throw badParameter("waiver", "must be a waiver id: letters, digits, '.', '_' or '-', e.g. W-2026-014");
        }
        Instant beforeCreatedAt = null;
        String beforeId = null;
        if (cursor != null) {
            try {
                String[] parts =
                        new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\\|", 2);
                beforeCreatedAt = Instant.parse(parts[0]);
                beforeId = parts[1];
            } catch (IllegalArgumentException | DateTimeParseException | ArrayIndexOutOfBoundsException e) {
                throw badParameter("cursor", "is not a cursor this API gave out (use nextCursor as it is)");
            }
        }
        int size = limit == null ? DEFAULT_LIMIT : (int) positive("limit", limit);
        if (size > MAX_LIMIT) {
            throw badParameter("limit", "must be at most " + MAX_LIMIT);
        }
        return new EvaluationRecords.HistoryQuery(
                project == null ? null : positive("project", project),
                mr == null ? null : positive("mr", mr),
                state,
                verdict,
                ifEnforced,
                "true".equals(tampered),
                waived == null ? null : Boolean.valueOf(waived),
                waiver,
                size,
                beforeCreatedAt,
                beforeId);
    }

    public Page list(EvaluationRecords.HistoryQuery query) {
        EvaluationRecords.HistoryPage page = journal.history(query);
        return new Page(
                page.evaluations().stream().map(this::summary).toList(),
                page.nextCursor() == null
                        ? null
                        : Base64.getUrlEncoder()
                                .withoutPadding()
                                .encodeToString(page.nextCursor().getBytes(StandardCharsets.UTF_8)));
    }

    /** Dead evaluations not replaced by a later one for the same merge request and check; newest first. */
    public List<Summary> unresolvedDeadLetters(int limit) {
        return journal.unresolvedDeadLetters(limit).stream().map(this::summary).toList();
    }

    public Optional<Detail> detail(String id) {
        return journal.evaluation(id).map(e -> {
            MergeRequestSummary mergeRequest = mergeRequest(e);
            return new Detail(
                    summary(e),
                    mergeRequest,
                    tree(e.verdictDetail()),
                    tree(e.policyFiles()),
                    journal.attempts(id),
                    e.noteResult());
        });
    }

    /** A row of a list: named by what the journal stored, GitLab's names once a verdict was reached. */
    private Summary summary(EvaluationRecords.Evaluation e) {
        Trigger.Names names = e.trigger().names();
        JsonNode verdict = tree(e.verdictDetail());
        return new Summary(
                e.id(),
                e.key().projectId(),
                names.projectPath(),
                e.key().mergeRequestIid(),
                names.title(),
                e.key().checkId(),
                e.sha(),
                e.state().dbName(),
                e.verdict(),
                e.verdictIfEnforced(),
                verdict == null ? null : verdict.path("summary").asText(null),
                e.attempts(),
                e.lastError(),
                e.createdAt(),
                e.finishedAt(),
                e.tampered(),
                e.waivers(),
                e.policyOrigin().source(),
                e.policyOrigin().commit());
    }

    private MergeRequestSummary mergeRequest(EvaluationRecords.Evaluation e) {
        Trigger trigger = e.trigger();
        String origin = trigger.origin().dbName();
        if (e.facts() == null) {
            Trigger.Names names = trigger.names();
            return new MergeRequestSummary(
                    names.projectPath(),
                    names.title(),
                    names.sourceBranch(),
                    names.targetBranch(),
                    null,
                    names.triggeredBy(),
                    List.of(),
                    trigger.action(),
                    origin,
                    names.checkName(),
                    // Only GitLab's answers are stored as facts: a verdict without them judged the webhook's names
                    // (a dry run without GitLab); without a verdict, the evaluation has not read GitLab yet.
                    e.verdict() == null ? "webhook" : "webhook-body");
        }
        MergeRequestContext judged;
        try {
            judged = json.readValue(e.facts(), MergeRequestFacts.class);
        } catch (IOException invalid) {
            throw new IllegalStateException("the journal stores JSON it wrote itself", invalid);
        }
        return new MergeRequestSummary(
                judged.projectPath(),
                judged.title(),
                judged.sourceBranch(),
                judged.targetBranch(),
                judged.url(),
                trigger.names().triggeredBy(),
                judged.labels(),
                trigger.action(),
                origin,
                judged.statusCheckName(),
                "gitlab");
    }

    private JsonNode tree(String text) {
        try {
            return text == null ? null : json.readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException("the journal stores JSON it wrote itself", e);
        }
    }

    /** 404 for an evaluation id the journal does not hold. */
    public static ProblemException notFound(String id) {
        return new ProblemException(
                404,
                "not-found",
                "Not Found",
                "no evaluation " + id + " (it may have been pruned: policy-gate.history.keep)",
                null);
    }
}
