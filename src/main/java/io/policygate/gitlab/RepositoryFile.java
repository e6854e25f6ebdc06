package io.policygate.gitlab;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** A file as GitLab's files API gives it: its content, in the encoding named (base64). */
@JsonIgnoreProperties(ignoreUnknown = true)
record RepositoryFile(String encoding, String content) {}
