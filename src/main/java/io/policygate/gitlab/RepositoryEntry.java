package io.policygate.gitlab;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** An entry of a repository's tree as GitLab lists it: its path from the root, and {@code blob} or {@code tree}. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RepositoryEntry(String path, String type) {

    public boolean isFile() {
        return "blob".equals(type);
    }
}
