package io.policygate.gitlab;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Optional;

/**
 * A merge request as GitLab's API shows it (GET /projects/:id/merge_requests/:iid, API::Entities::MergeRequest):
 * the facts a verdict is computed from. {@code sha} is the HEAD of the source branch (diff_head_sha); it is null
 * for a merge request without commits. {@code references.full} names the project ({@code group/project!iid}), so a
 * verdict needs no read of the project; {@code diff_refs} are the commits of the merge request's latest diff
 * version (base, start, head), so its changes can be read in one call ({@code repository/compare}). Lists of merge
 * requests carry neither diff_refs nor always references: both may be null.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record MergeRequest(
        @JsonProperty("project_id") long projectId,
        long iid,
        String title,
        String description,
        String state,
        String sha,
        @JsonProperty("source_branch") String sourceBranch,
        @JsonProperty("target_branch") String targetBranch,
        boolean draft,
        @JsonProperty("work_in_progress") boolean workInProgress,
        List<String> labels,
        Author author,
        @JsonProperty("web_url") String webUrl,
        References references,
        @JsonProperty("diff_refs") DiffRefs diffRefs) {

    /** Who opened the merge request. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Author(long id, String username) {}

    /** How GitLab refers to the merge request; {@code full} is {@code group/project!iid}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record References(String full) {}

    /**
     * The commits of the latest diff version (API::Entities::DiffRefs): {@code base_sha} is the merge base its
     * diff starts from, {@code head_sha} the commit it was made for.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record DiffRefs(
            @JsonProperty("base_sha") String baseSha,
            @JsonProperty("head_sha") String headSha,
            @JsonProperty("start_sha") String startSha) {}

    public MergeRequest {
        title = title == null ? "" : title;
        // GitLab sends null for a merge request whose description was never written.
        description = description == null ? "" : description;
        state = state == null ? "" : state;
        sourceBranch = sourceBranch == null ? "" : sourceBranch;
        targetBranch = targetBranch == null ? "" : targetBranch;
        labels = labels == null ? List.of() : List.copyOf(labels);
        author = author == null ? new Author(0, "") : author;
        webUrl = webUrl == null ? "" : webUrl;
    }

    /** Opened: not closed, merged, or locked while GitLab merges it. */
    public boolean open() {
        return state.equals("opened");
    }

    /**
     * The project's full path as {@code references.full} names it (everything before the last {@code !}); empty
     * when GitLab sent no reference.
     */
    public Optional<String> projectPath() {
        if (references == null || references.full() == null) {
            return Optional.empty();
        }
        int bang = references.full().lastIndexOf('!');
        return bang > 0 ? Optional.of(references.full().substring(0, bang)) : Optional.empty();
    }

    /**
     * The merge base of the diff GitLab made for {@code commit}: present only when the latest diff version is of
     * that commit, so that base..commit are exactly the changes GitLab shows for it.
     */
    public Optional<String> diffBaseFor(String commit) {
        if (diffRefs == null || diffRefs.headSha() == null || diffRefs.baseSha() == null) {
            return Optional.empty();
        }
        return diffRefs.headSha().equalsIgnoreCase(commit)
                        && !diffRefs.baseSha().isBlank()
                ? Optional.of(diffRefs.baseSha())
                : Optional.empty();
    }

    /** {@code draft} since GitLab 13.x; older versions send only {@code work_in_progress}. */
    public boolean inDraft() {
        return draft || workInProgress;
    }
}
