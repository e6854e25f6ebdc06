package io.policygate.preview;

import io.policygate.config.PreviewConfig;
import io.policygate.journal.EvaluationRecords;
import io.policygate.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Locale;

/**
 * What impact previews and dry runs may read with policy-gate's GitLab token, decided before GitLab is asked:
 * the projects and subgroups of the groups the operator listed (policy-gate.preview.allowed-groups), and the
 * projects GitLab has confirmed (a verdict was computed from its facts of one of their merge requests, or register
 * handed them over). A signed webhook's word is not enough: whoever holds the secret can name any project. The
 * token can usually read far more; a caller with the previewer role must not be able to read any group's merge
 * requests through it.
 */
@ApplicationScoped
public class ReadableScope {

    private final List<String> allowedGroups;
    private final EvaluationRecords records;

    @Inject
    public ReadableScope(PreviewConfig config, EvaluationRecords records) {
        this.allowedGroups = config.allowedGroups().orElse(List.of()).stream()
                .map(ReadableScope::normalised)
                .filter(g -> !g.isEmpty())
                .toList();
        this.records = records;
    }

    /** @throws ProblemException 403 naming {@code field} when the group is not one listed, nor inside one */
    public void checkGroup(String group, String field) {
        if (!underAllowedGroup(group)) {
            throw refused("group '" + group + "'", field);
        }
    }

    /**
     * @throws ProblemException 403 naming {@code field} when the project may not be read: by id, one GitLab has
     *     confirmed (an indexed lookup); by path, one inside an allowed group, or one confirmed
     */
    public void checkProject(String idOrPath, String field) {
        boolean allowed = idOrPath.length() <= 18 && idOrPath.chars().allMatch(Character::isDigit)
                ? records.projectSeen(Long.parseLong(idOrPath))
                : underAllowedGroup(idOrPath) || records.projectPathSeen(normalised(idOrPath));
        if (!allowed) {
            throw refused("project '" + idOrPath + "'", field);
        }
    }

    private boolean underAllowedGroup(String path) {
        String wanted = normalised(path);
        return allowedGroups.stream().anyMatch(g -> wanted.equals(g) || wanted.startsWith(g + "/"));
    }

    /** GitLab's paths are case-insensitive and may be written with slashes around them. */
    private static String normalised(String path) {
        return path.trim().replaceAll("^/+|/+$", "").toLowerCase(Locale.ROOT);
    }

    private ProblemException refused(String what, String field) {
        return new ProblemException(
                403,
                "scope-not-allowed",
                "Forbidden",
                what + " is outside what previews and dry runs may read: the projects policy-gate has judged"
                        + " from GitLab's facts or register handed over, and the groups in"
                        + " policy-gate.preview.allowed-groups"
                        + (allowedGroups.isEmpty() ? " (none listed)" : " (" + String.join(", ", allowedGroups) + ")")
                        + ". Name a project by its path to have it checked against those groups",
                field);
    }
}
