package io.policygate.gitlab;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/** A project as GitLab's API shows it (API::Entities::BasicProjectDetails): its id and full path. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Project(
        long id, @JsonProperty("path_with_namespace") String path) {

    public Project {
        path = path == null ? "" : path;
    }
}
