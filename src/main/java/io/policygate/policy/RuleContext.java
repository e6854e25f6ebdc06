package io.policygate.policy;

import java.util.List;
import java.util.Map;

/**
 * What a rule is given for one evaluation: the merge request, plus the CEL variables built from it
 * once and shared by every expression of the evaluation.
 */
public final class RuleContext {

    private final MergeRequestContext mergeRequest;
    private Map<String, Object> celVariables;

    public RuleContext(MergeRequestContext mergeRequest) {
        this.mergeRequest = mergeRequest;
    }

    public MergeRequestContext mergeRequest() {
        return mergeRequest;
    }

    /** The variables of design.md §4: mergeRequest, project, user, statusCheck. */
    public Map<String, Object> celVariables() {
        if (celVariables == null) {
            celVariables = buildCelVariables(mergeRequest);
        }
        return celVariables;
    }

    private static Map<String, Object> buildCelVariables(MergeRequestContext mr) {
        Map<String, Object> mergeRequest = Map.ofEntries(
                Map.entry("iid", mr.iid()),
                Map.entry("title", mr.title()),
                Map.entry("description", mr.description()),
                Map.entry("sourceBranch", mr.sourceBranch()),
                Map.entry("targetBranch", mr.targetBranch()),
                Map.entry("draft", mr.draft()),
                Map.entry("labels", List.copyOf(mr.labels())),
                Map.entry("state", mr.state()),
                Map.entry("action", mr.action()),
                Map.entry("author", Map.of("id", mr.authorId())),
                Map.entry("url", mr.url()),
                Map.entry("sha", mr.sha()));
        return Map.of(
                "mergeRequest", mergeRequest,
                "project", Map.of("id", mr.projectId(), "path", mr.projectPath()),
                "user", Map.of("username", mr.username()),
                "statusCheck", Map.of("id", mr.statusCheckId(), "name", mr.statusCheckName()));
    }
}
