package io.policygate.gitlab;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.policygate.policy.Change;
import io.policygate.policy.Commit;
import java.util.List;

/**
 * A merge request diff version as GitLab's API shows it (GET …/merge_requests/:iid/versions and …/versions/:id,
 * API::Entities::MergeRequestDiff and MergeRequestDiffFull): the listing carries only the id and SHAs; one
 * version carries its diffs and commits too.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record DiffVersion(
        long id, @JsonProperty("head_commit_sha") String headCommitSha, List<Diff> diffs, List<VersionCommit> commits) {

    DiffVersion {
        headCommitSha = headCommitSha == null ? "" : headCommitSha;
        diffs = diffs == null ? List.of() : diffs;
        commits = commits == null ? List.of() : commits;
    }

    /** Whether GitLab made this version for {@code sha} (either SHA form, any case). */
    boolean isOf(String sha) {
        return sha.equalsIgnoreCase(headCommitSha);
    }

    /** One file's diff (API::Entities::Diff). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Diff(
            @JsonProperty("new_path") String newPath,
            @JsonProperty("old_path") String oldPath,
            @JsonProperty("new_file") boolean newFile,
            @JsonProperty("deleted_file") boolean deletedFile,
            @JsonProperty("renamed_file") boolean renamedFile,
            String diff) {

        Change change() {
            return new Change(
                    newPath == null ? "" : newPath,
                    oldPath == null ? "" : oldPath,
                    newFile,
                    deletedFile,
                    renamedFile,
                    diff == null ? "" : diff);
        }
    }

    /** One commit of the version (API::Entities::Commit). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record VersionCommit(
            String id,
            String title,
            String message,
            @JsonProperty("author_name") String authorName,
            @JsonProperty("author_email") String authorEmail) {

        Commit commit() {
            return new Commit(orEmpty(id), orEmpty(title), orEmpty(message), orEmpty(authorName), orEmpty(authorEmail));
        }

        private static String orEmpty(String text) {
            return text == null ? "" : text;
        }
    }
}
