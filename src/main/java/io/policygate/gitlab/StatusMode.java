package io.policygate.gitlab;

import io.policygate.policy.VerdictStatus;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The status_check_responses dialects of GitLab versions, as GitLab's doc/api/status_checks.md and
 * ee/lib/api/status_checks.rb of each version say: 15.0+ requires status passed/failed; 14.9–14.10 took status
 * "pass", and passed/failed only behind the status_checks_add_status_field feature flag (off by default, which
 * {@link #forVersion} cannot see: with the flag on, standard fits); 14.0–14.8 took no status at all, any post
 * meaning "approved". docs/operations.md has the table.
 */
public enum StatusMode {
    STANDARD,
    LEGACY_PASS,
    LEGACY_APPROVE,
    /** Ask GitLab (GET /version) at start-up and use the dialect of that version. */
    AUTO;

    /** The dialect of a GitLab version such as "16.5.1-ee"; empty for versions without status checks. */
    public static Optional<StatusMode> forVersion(String version) {
        Matcher m = Pattern.compile("^(\\d+)\\.(\\d+)").matcher(version);
        if (!m.find()) {
            return Optional.empty();
        }
        int major = Integer.parseInt(m.group(1));
        int minor = Integer.parseInt(m.group(2));
        if (major >= 15) {
            return Optional.of(STANDARD);
        }
        if (major == 14) {
            return Optional.of(minor >= 9 ? LEGACY_PASS : LEGACY_APPROVE);
        }
        return Optional.empty();
    }

    /** What to post for a verdict. */
    public sealed interface Posting {}

    /** Post, with this status field (null: send no status field). */
    public record Post(String status) implements Posting {}

    /** Post nothing: this GitLab cannot be told about the verdict. */
    public record Skip(String reason) implements Posting {}

    /** The one place a verdict becomes a GitLab status. */
    public Posting postingFor(VerdictStatus verdict) {
        return switch (this) {
            case STANDARD -> new Post(verdict.wireName());
            case LEGACY_PASS ->
                verdict == VerdictStatus.PASSED
                        ? new Post("pass")
                        : new Skip("status-mode legacy-pass: GitLab 14.9-14.10 takes failed only with the"
                                + " status_checks_add_status_field flag (then use standard), nothing posted");
            case LEGACY_APPROVE ->
                verdict == VerdictStatus.PASSED
                        ? new Post(null)
                        : new Skip("status-mode legacy-approve: GitLab 14.0-14.8 only takes approvals, nothing posted");
            case AUTO ->
                throw new IllegalStateException("status-mode auto is resolved at start-up (GitLabStartupCheck)");
        };
    }
}
