package io.policygate.gitlab;

import io.policygate.config.GitLabConfig;
import io.policygate.config.StatusMode;
import io.policygate.policy.VerdictStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The status mode in use, and the one place a verdict becomes a GitLab status. The mode is the configured one; for
 * {@code auto}, the one {@link GitLabStartupCheck} found from GitLab's version, which what needs it waits for.
 */
@ApplicationScoped
public class StatusPosting {

    private static final Pattern VERSION = Pattern.compile("^(\\d+)\\.(\\d+)");

    private final CompletableFuture<StatusMode> inUse = new CompletableFuture<>();

    @Inject
    public StatusPosting(GitLabConfig config) {
        if (config.statusMode() != StatusMode.AUTO) {
            inUse.complete(config.statusMode());
        }
    }

    /** What to post for a verdict. */
    public sealed interface Posting {}

    /** Post, with this status field (null: send no status field). */
    public record Post(String status) implements Posting {}

    /** Post nothing: this GitLab cannot be told about the verdict. */
    public record Skip(String reason) implements Posting {}

    /** The dialect of a GitLab version such as "16.5.1-ee"; empty for versions without status checks. */
    public static Optional<StatusMode> forVersion(String version) {
        Matcher m = VERSION.matcher(version);
        if (!m.find()) {
            return Optional.empty();
        }
        int major = Integer.parseInt(m.group(1));
        int minor = Integer.parseInt(m.group(2));
        if (major >= 15) {
            return Optional.of(StatusMode.STANDARD);
        }
        if (major == 14) {
            return Optional.of(minor >= 9 ? StatusMode.LEGACY_PASS : StatusMode.LEGACY_APPROVE);
        }
        return Optional.empty();
    }

    /** Status-mode auto found {@code mode}; a configured mode stays as it is. */
    void found(StatusMode mode) {
        inUse.complete(mode);
    }

    /** The mode verdicts are posted in (for auto, waiting for the start-up check). */
    public StatusMode mode() {
        return inUse.join();
    }

    /** What to post for a verdict. */
    public Posting postingFor(VerdictStatus verdict) {
        return switch (mode()) {
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
            case AUTO -> throw new IllegalStateException("status-mode auto is never in use: start-up resolves it");
        };
    }
}
