package io.policygate.config;

/**
 * policy-gate.gitlab.status-mode: the status_check_responses dialect of the GitLab policy-gate posts to, as GitLab's
 * doc/api/status_checks.md and ee/lib/api/status_checks.rb of each version say: 15.0+ requires status
 * passed/failed; 14.9–14.10 took status "pass", and passed/failed only behind the status_checks_add_status_field
 * feature flag (off by default; with the flag on, standard fits); 14.0–14.8 took no status at all, any post meaning
 * "approved". docs/operations.md has the table; gitlab.StatusPosting turns a verdict into what each one takes.
 */
public enum StatusMode {
    STANDARD,
    LEGACY_PASS,
    LEGACY_APPROVE,
    /** Ask GitLab (GET /version) at start-up and use the dialect of that version. */
    AUTO
}
