package io.policygate.gitlab;

import java.util.Optional;

/** A merge request as a listing shows it, with its merge when GitLab merged it. */
public record ListedMergeRequest(MergeRequest mergeRequest, Optional<Merge> merge) {}
