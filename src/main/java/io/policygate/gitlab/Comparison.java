package io.policygate.gitlab;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * Two commits compared, as GitLab's API shows it (GET /projects/:id/repository/compare, API::Entities::Compare):
 * {@code commit} is the newest of {@code commits}; {@code compare_timeout} says the diffs were cut short (GitLab's
 * diff limits overflowed), so they are not all the changes.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record Comparison(
        DiffVersion.VersionCommit commit,
        List<DiffVersion.Diff> diffs,
        List<DiffVersion.VersionCommit> commits,
        @JsonProperty("compare_timeout") boolean cutShort) {

    Comparison {
        diffs = diffs == null ? List.of() : diffs;
        commits = commits == null ? List.of() : commits;
    }

    /** Whether the comparison ends at {@code sha}: its newest commit is that one. */
    boolean endsAt(String sha) {
        return commit != null && commit.id() != null && commit.id().equalsIgnoreCase(sha);
    }
}
