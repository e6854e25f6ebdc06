package io.policygate.gitlab;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A project as GitLab's API shows it (API::Entities::Project): its id, full path, default branch, and whether "Status
 * checks must succeed" is on ({@code only_allow_merge_if_all_status_checks_passed}: GitLab Ultimate, shown to users
 * who may administer the project; null when GitLab does not show it).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Project(
        long id,
        @JsonProperty("path_with_namespace") String path,
        @JsonProperty("default_branch") String defaultBranch,

        @JsonProperty("only_allow_merge_if_all_status_checks_passed")
        Boolean statusChecksMustSucceed) {

    public Project {
        path = path == null ? "" : path;
    }
}
