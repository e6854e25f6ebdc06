package io.policygate.gitlab;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * A merge request as GitLab's API shows it (GET /projects/:id/merge_requests/:iid, API::Entities::MergeRequest):
 * the facts a verdict is computed from. {@code sha} is the HEAD of the source branch (diff_head_sha); it is null
 * for a merge request without commits.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record MergeRequest(
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
        @JsonProperty("web_url") String webUrl) {

    /** Who opened the merge request. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Author(long id, String username) {}

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

    /** {@code draft} since GitLab 13.x; older versions send only {@code work_in_progress}. */
    public boolean inDraft() {
        return draft || workInProgress;
    }
}
