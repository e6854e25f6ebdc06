package io.policygate.gitlab;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * What GitLab's merge request answers say of its merge (API::Entities::MergeRequestBasic): when, by whom, and the
 * commit it put on the target branch. {@code merge_user} since GitLab 14.7, when {@code merged_by} was deprecated;
 * the older one is read when it is the only one. A fast-forward merge makes no merge commit (the merged HEAD is the
 * commit); a squash makes {@code squash_commit_sha}.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Merge(
        @JsonProperty("merged_at") String mergedAt,
        @JsonProperty("merge_commit_sha") String mergeCommitSha,
        @JsonProperty("squash_commit_sha") String squashCommitSha,
        @JsonProperty("merge_user") MergeRequest.Author mergeUser,
        @JsonProperty("merged_by") MergeRequest.Author mergedBy) {

    /** When GitLab merged it; empty when GitLab did not say or said it in a form GitLab does not use. */
    public Optional<Instant> at() {
        if (mergedAt == null || mergedAt.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(OffsetDateTime.parse(mergedAt).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** The username of who merged it; empty when GitLab does not say. */
    public String by() {
        MergeRequest.Author user = mergeUser != null ? mergeUser : mergedBy;
        return user == null || user.username() == null ? "" : user.username();
    }

    /** The commit the merge made on the target branch (merge or squash commit); null for a fast-forward merge. */
    public String commit() {
        return mergeCommitSha != null && !mergeCommitSha.isBlank() ? mergeCommitSha : squashCommitSha;
    }
}
