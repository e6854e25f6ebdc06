package io.policygate.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.policygate.event.MergeRequestEvent;
import io.policygate.event.MergeRequestEventParser;
import io.policygate.event.ParsedEvent;
import io.policygate.http.ProblemException;
import io.policygate.journal.JobState;
import io.policygate.journal.JournalStore;
import io.policygate.journal.ReportAttempt;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;

/** The history: what was evaluated, what was decided, by which policy files, and how GitLab answered. */
@Path("/api/v1/evaluations")
@Produces(MediaType.APPLICATION_JSON)
public class EvaluationsResource {

    private static final int DEFAULT_LIMIT = 50;
    private static final int MAX_LIMIT = 200;

    /** One line of the history. */
    public record Summary(String id, long project, long mergeRequest, long statusCheck, String sha, String state,
            String verdict, String summary, int attempts, String lastError, Instant createdAt, Instant finishedAt) {
    }

    public record Page(List<Summary> evaluations, String nextCursor) {
    }

    /** The merge request as the payload described it. */
    public record MergeRequestSummary(String projectPath, String title, String sourceBranch, String targetBranch,
            String url, String triggeredBy, List<String> labels, String action) {
    }

    public record Detail(Summary evaluation, MergeRequestSummary mergeRequest, JsonNode verdict, JsonNode policyFiles,
            List<ReportAttempt> reportAttempts) {
    }

    private final JournalStore journal;
    private final ObjectMapper json;

    @Inject
    public EvaluationsResource(JournalStore journal, ObjectMapper json) {
        this.journal = journal;
        this.json = json;
    }

    @GET
    public Page list(@QueryParam("project") String project, @QueryParam("mr") String mr,
            @QueryParam("status") String status, @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        JobState state = null;
        String verdict = null;
        if (status != null) {
            if (List.of("passed", "failed").contains(status)) {
                verdict = status;
            } else {
                state = Arrays.stream(JobState.values()).filter(s -> s.dbName().equals(status)).findFirst()
                        .orElseThrow(() -> badParameter("status", "must be one of passed, failed, queued, evaluating,"
                                + " reporting, reported, superseded, dead"));
            }
        }
        Instant beforeCreatedAt = null;
        String beforeId = null;
        if (cursor != null) {
            try {
                String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\\|", 2);
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
        JournalStore.HistoryPage page = journal.history(new JournalStore.HistoryQuery(
                project == null ? null : positive("project", project), mr == null ? null : positive("mr", mr), state,
                verdict, size, beforeCreatedAt, beforeId));
        return new Page(page.evaluations().stream().map(this::summary).toList(), page.nextCursor() == null ? null
                : Base64.getUrlEncoder().withoutPadding().encodeToString(page.nextCursor().getBytes(StandardCharsets.UTF_8)));
    }

    @GET
    @Path("/{id}")
    public Detail get(@PathParam("id") String id) {
        JournalStore.Evaluation evaluation = journal.evaluation(id).orElseThrow(() -> new ProblemException(404,
                "not-found", "Not Found", "no evaluation " + id + " (it may have been pruned: policy-gate.history.keep)",
                null));
        return new Detail(summary(evaluation), mergeRequest(evaluation), tree(evaluation.verdictDetail()),
                tree(evaluation.policyFiles()), journal.attempts(id));
    }

    private Summary summary(JournalStore.Evaluation e) {
        JsonNode verdict = tree(e.verdictDetail());
        return new Summary(e.id(), e.key().projectId(), e.key().mergeRequestIid(), e.key().checkId(), e.sha(),
                e.state().dbName(), e.verdict(), verdict == null ? null : verdict.path("summary").asText(null),
                e.attempts(), e.lastError(), e.createdAt(), e.finishedAt());
    }

    private static MergeRequestSummary mergeRequest(JournalStore.Evaluation e) {
        ParsedEvent parsed = MergeRequestEventParser.parse(e.payload().getBytes(StandardCharsets.UTF_8),
                OptionalLong.of(e.key().checkId()));
        if (!(parsed instanceof ParsedEvent.Actionable actionable)) {
            return null;
        }
        MergeRequestEvent mr = actionable.event();
        return new MergeRequestSummary(mr.projectPath(), mr.title(), mr.sourceBranch(), mr.targetBranch(), mr.url(),
                mr.username(), mr.labels(), mr.action());
    }

    private JsonNode tree(String text) {
        try {
            return text == null ? null : json.readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException("the journal stores JSON it wrote itself", e);
        }
    }

    private static long positive(String parameter, String value) {
        try {
            long number = Long.parseLong(value);
            if (number > 0) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw badParameter(parameter, "must be a positive whole number");
    }

    private static ProblemException badParameter(String parameter, String message) {
        return new ProblemException(400, "invalid-parameter", "Bad Request",
                parameter + " " + message.toLowerCase(Locale.ROOT).charAt(0) + message.substring(1), parameter);
    }
}
