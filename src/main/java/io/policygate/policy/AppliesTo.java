package io.policygate.policy;

import io.policygate.policy.cel.CompiledCondition;
import java.util.List;

/**
 * Which merge requests a policy concerns. Every list that is empty matches anything; {@code when}
 * (may be null) is a CEL condition evaluated last.
 */
public record AppliesTo(
        List<Long> projectIds,
        List<Glob> projectPaths,
        List<Glob> targetBranches,
        List<Glob> statusChecks,
        CompiledCondition when) {

    public static final AppliesTo ANY = new AppliesTo(List.of(), List.of(), List.of(), List.of(), null);

    public AppliesTo {
        projectIds = List.copyOf(projectIds);
        projectPaths = List.copyOf(projectPaths);
        targetBranches = List.copyOf(targetBranches);
        statusChecks = List.copyOf(statusChecks);
    }

    /**
     * @throws io.policygate.policy.cel.ConditionEvaluationException when {@code when} fails to evaluate
     */
    boolean selects(RuleContext context) {
        MergeRequestContext mr = context.mergeRequest();
        return selectsProject(mr)
                && matchesAny(targetBranches, mr.targetBranch())
                && matchesAny(statusChecks, mr.statusCheckName())
                && (when == null || when.test(context::celVariable));
    }

    private boolean selectsProject(MergeRequestContext mr) {
        return concernsProject(mr.projectId(), mr.projectPath());
    }

    /** Whether this selects merge requests of the project (its branches and {@code when} aside). */
    public boolean concernsProject(long projectId, String projectPath) {
        if (projectIds.isEmpty() && projectPaths.isEmpty()) {
            return true;
        }
        return projectIds.contains(projectId) || projectPaths.stream().anyMatch(g -> g.matches(projectPath));
    }

    /**
     * False only when no project of {@code ids} and {@code paths} can be one this selects: offline, an id and a path
     * glob may name the same project, so only ids against ids and globs against globs can rule one out.
     */
    boolean mayShareProjects(List<Long> ids, List<Glob> paths) {
        if (projectIds.isEmpty() && projectPaths.isEmpty()) {
            return true;
        }
        return ids.stream().anyMatch(projectIds::contains)
                || paths.stream().anyMatch(g -> projectPaths.stream().anyMatch(g::overlaps))
                || (!ids.isEmpty() && !projectPaths.isEmpty())
                || (!paths.isEmpty() && !projectIds.isEmpty());
    }

    private static boolean matchesAny(List<Glob> globs, String value) {
        return globs.isEmpty() || globs.stream().anyMatch(g -> g.matches(value));
    }
}
