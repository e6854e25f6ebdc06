package io.policygate.gitlab;

import io.policygate.event.CheckKey;
import io.policygate.policy.VerdictStatus;

/** A verdict to give GitLab for one status check at one SHA. */
public record StatusReport(CheckKey key, String sha, VerdictStatus verdict) {}
