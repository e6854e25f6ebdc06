package io.policygate.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.policygate.access.Roles;
import io.policygate.config.GitLabConfig;
import io.policygate.history.EvaluationHistory;
import io.policygate.journal.EvaluationRecords;
import io.policygate.journal.JobState;
import io.policygate.journal.ReportAttempt;
import io.policygate.policy.ActivePolicies;
import io.policygate.policy.PolicyError;
import io.policygate.policy.PolicyMode;
import io.policygate.policy.PolicyOrigin;
import io.policygate.policy.PolicyResult;
import io.policygate.policy.PolicySet;
import io.policygate.policy.RuleResult;
import io.policygate.policy.Verdict;
import io.policygate.problem.ProblemException;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The web pages, rendered on the server (Qute): plain HTML that works without JavaScript. They show the
 * same records the API returns, so a page and an API answer never disagree.
 */
@RolesAllowed(Roles.VIEWER)
@Path("/")
@Produces(MediaType.TEXT_HTML)
public class PagesResource {

    private static final int DEAD_LETTERS_SHOWN = 20;
    private static final int EVIDENCE_SHOWN = 2_000;
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
    /** GitLab project paths; anything else gets no link rather than a link we did not build. */
    private static final Pattern PROJECT_PATH = Pattern.compile("[A-Za-z0-9_.\\-]+(/[A-Za-z0-9_.\\-]+)+");

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance index(IndexPage page);

        static native TemplateInstance evaluation(EvaluationPage page);

        static native TemplateInstance problem(String title, String detail);
    }

    private final EvaluationHistory history;
    private final ActivePolicies policies;
    private final GitLabConfig gitlab;
    private final ObjectMapper json;
    private final PagePaths paths;

    @Inject
    public PagesResource(
            EvaluationHistory history,
            ActivePolicies policies,
            GitLabConfig gitlab,
            ObjectMapper json,
            PagePaths paths) {
        this.history = history;
        this.policies = policies;
        this.gitlab = gitlab;
        this.json = json;
        this.paths = paths;
    }

    /** The paths this resource serves, for the access filter. */
    static boolean isPage(String path) {
        return path.equals("/")
                || path.startsWith("/evaluations/")
                || path.equals("/preview")
                || path.startsWith("/preview/");
    }

    @GET
    public Response index(
            @QueryParam("project") String project,
            @QueryParam("mr") String mr,
            @QueryParam("status") String status,
            @QueryParam("ifEnforced") String ifEnforced,
            @QueryParam("tampered") String tampered,
            @QueryParam("waived") String waived,
            @QueryParam("cursor") String cursor) {
        String projectFilter = blankToNull(project);
        String mrFilter = blankToNull(mr);
        String statusFilter = blankToNull(status);
        String ifEnforcedFilter = blankToNull(ifEnforced);
        String tamperedFilter = blankToNull(tampered);
        String waivedFilter = blankToNull(waived);
        EvaluationRecords.HistoryQuery query;
        try {
            query = EvaluationHistory.query(
                    projectFilter,
                    mrFilter,
                    statusFilter,
                    ifEnforcedFilter,
                    tamperedFilter,
                    waivedFilter,
                    null,
                    null,
                    blankToNull(cursor));
        } catch (ProblemException e) {
            return problem(e);
        }
        EvaluationHistory.Page page = history.list(query);
        ActivePolicies.LoadStatus load = policies.lastLoad();
        List<PolicyError> loadErrors = load == null ? List.of() : load.errors();
        String olderUrl = page.nextCursor() == null
                ? null
                : paths.page("/?")
                        + queryString(
                                "project",
                                projectFilter,
                                "mr",
                                mrFilter,
                                "status",
                                statusFilter,
                                "ifEnforced",
                                ifEnforcedFilter,
                                "tampered",
                                tamperedFilter,
                                "waived",
                                waivedFilter,
                                "cursor",
                                page.nextCursor());
        List<String> statuses = Stream.concat(
                        Stream.of("passed", "failed"),
                        Arrays.stream(JobState.values()).map(JobState::dbName))
                .toList();
        IndexPage view = new IndexPage(
                loadErrors,
                history.unresolvedDeadLetters(DEAD_LETTERS_SHOWN).stream()
                        .map(this::row)
                        .toList(),
                page.evaluations().stream().map(this::row).toList(),
                olderUrl,
                projectFilter,
                mrFilter,
                statusFilter,
                ifEnforcedFilter,
                "true".equals(tamperedFilter),
                waivedFilter,
                statuses,
                policies.waiversExpiringSoon());
        return html(200, Templates.index(view));
    }

    @GET
    @Path("evaluations/{id}")
    public Response evaluation(@PathParam("id") String id) {
        return history.detail(id)
                .map(detail -> html(200, Templates.evaluation(page(detail))))
                .orElseGet(() -> problem(EvaluationHistory.notFound(id)));
    }

    private EvaluationPage page(EvaluationHistory.Detail detail) {
        EvaluationHistory.Summary summary = detail.evaluation();
        EvaluationHistory.MergeRequestSummary mergeRequest = detail.mergeRequest();
        Verdict verdict = detail.verdict() == null ? null : convert(detail.verdict(), new TypeReference<Verdict>() {});
        PolicyOrigin origin = new PolicyOrigin(summary.policySource(), summary.policyCommit());
        List<EvaluationPage.FileView> files = detail.policyFiles() == null
                ? List.of()
                : convert(detail.policyFiles(), new TypeReference<List<PolicySet.PolicyFile>>() {}).stream()
                        .map(f -> new EvaluationPage.FileView(f.path(), f.sha256(), fileUrl(origin, f.path())))
                        .toList();
        List<EvaluationPage.PolicyView> policyViews = verdict == null
                ? List.of()
                : verdict.policies().stream().map(PagesResource::policy).toList();
        List<EvaluationPage.AttemptView> attempts =
                detail.reportAttempts().stream().map(PagesResource::attempt).toList();
        String statusCheck = summary.statusCheck()
                + (mergeRequest.statusCheckName() == null ? "" : " (" + mergeRequest.statusCheckName() + ")");
        return new EvaluationPage(
                row(summary),
                summary.sha(),
                mergeRequest.sourceBranch(),
                mergeRequest.targetBranch(),
                askedBy(mergeRequest),
                mergeRequest.factsFrom(),
                mergeRequest.labels().isEmpty() ? "none" : String.join(", ", mergeRequest.labels()),
                statusCheck,
                time(summary.createdAt()),
                summary.finishedAt() == null ? "not yet" : time(summary.finishedAt()) + " UTC",
                verdict == null ? null : verdict.summary(),
                policyViews,
                attempts,
                origin.source(),
                origin.commit(),
                files,
                detail.note(),
                verdict == null || verdict.impact() == null
                        ? null
                        : verdict.impact().previewId());
    }

    /** What asked for the evaluation: a webhook (and whose action it reported), or policy-gate itself and why. */
    private static String askedBy(EvaluationHistory.MergeRequestSummary mergeRequest) {
        return switch (mergeRequest.origin()) {
            case "webhook" ->
                "a webhook"
                        + (mergeRequest.action() == null ? "" : " (" + mergeRequest.action() + ")")
                        + (mergeRequest.triggeredBy() == null ? "" : " for " + mergeRequest.triggeredBy());
            case "reconciliation" -> "the reconciliation sweep (no webhook came for this commit)";
            case "register" -> "register, for a merge request opened before its status check existed";
            case "window" -> "policy-gate: a change window of a policy opened or closed";
            default -> "policy-gate: the commit a webhook named was no longer the merge request's HEAD";
        };
    }

    private static EvaluationPage.PolicyView policy(PolicyResult result) {
        List<EvaluationPage.RuleView> rules = new ArrayList<>();
        for (RuleResult rule : result.rules()) {
            rules.add(new EvaluationPage.RuleView(
                    rule.type(),
                    rule.outcome().wireName(),
                    rule.mode() == PolicyMode.AUDIT,
                    rule.message(),
                    rule.evidence() == null ? List.of() : rule.evidence().facts(EVIDENCE_SHOWN),
                    rule.evidence() == null ? null : rule.evidence().expected(),
                    rule.waiver()));
        }
        String outcome = result.outcomeName();
        return new EvaluationPage.PolicyView(
                result.policy(), result.file(), result.mode().wireName(), outcome, rules);
    }

    private static EvaluationPage.AttemptView attempt(ReportAttempt attempt) {
        return new EvaluationPage.AttemptView(
                attempt.attempt(),
                time(attempt.startedAt()),
                attempt.durationMillis(),
                attempt.httpStatus() == null ? "no answer" : String.valueOf(attempt.httpStatus()),
                attempt.outcome(),
                attempt.detail(),
                attempt.postedVerdict());
    }

    private HistoryRow row(EvaluationHistory.Summary summary) {
        String project = summary.projectPath() != null ? summary.projectPath() : "project " + summary.project();
        return new HistoryRow(
                summary.id(),
                time(summary.createdAt()),
                project,
                summary.mergeRequest(),
                mergeRequestUrl(summary.projectPath(), summary.mergeRequest()),
                summary.title(),
                summary.sha().substring(0, Math.min(8, summary.sha().length())),
                summary.verdict(),
                summary.ifEnforced(),
                summary.state(),
                JobState.DEAD.dbName().equals(summary.state()),
                summary.lastError(),
                summary.tampered(),
                summary.waivers());
    }

    /** A policy file in GitLab at the commit it was read at; null when it was read from a folder. */
    private String fileUrl(PolicyOrigin origin, String path) {
        return origin.repository()
                .filter(project -> origin.commit() != null && gitlab.url().isPresent())
                .filter(project -> PROJECT_PATH.matcher(project).matches())
                .map(project -> {
                    String base = gitlab.url().get().toString();
                    return (base.endsWith("/") ? base : base + "/") + project + "/-/blob/" + origin.commit() + "/"
                            + path;
                })
                .orElse(null);
    }

    /** Built from policy-gate.gitlab.url, never from a payload's URL. */
    private String mergeRequestUrl(String projectPath, long iid) {
        if (gitlab.url().isEmpty()
                || projectPath == null
                || !PROJECT_PATH.matcher(projectPath).matches()) {
            return null;
        }
        String base = gitlab.url().get().toString();
        return (base.endsWith("/") ? base : base + "/") + projectPath + "/-/merge_requests/" + iid;
    }

    private <T> T convert(JsonNode node, TypeReference<T> type) {
        try {
            return json.treeToValue(node, json.getTypeFactory().constructType(type));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the journal stores JSON it wrote itself", e);
        }
    }

    static Response problem(ProblemException e) {
        return html(
                e.problem().status(),
                Templates.problem(e.problem().title(), e.problem().detail()));
    }

    static Response html(int status, TemplateInstance page) {
        return Response.status(status)
                .type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"))
                .entity(page.render())
                .build();
    }

    static String time(Instant instant) {
        return instant == null ? "" : TIME.format(instant);
    }

    static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    /** @param pairs name, value, name, value...; null values are left out */
    private static String queryString(String... pairs) {
        List<String> parameters = new ArrayList<>();
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i + 1] != null) {
                parameters.add(pairs[i] + "=" + URLEncoder.encode(pairs[i + 1], StandardCharsets.UTF_8));
            }
        }
        return String.join("&", parameters);
    }
}
