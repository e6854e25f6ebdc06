package io.policygate.gitlab;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** A commit as GitLab's commits API gives it: its SHA. */
@JsonIgnoreProperties(ignoreUnknown = true)
record RepositoryCommit(String id) {}
