package io.policygate.gitlab;

import io.smallrye.health.api.HealthGroup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Locale;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;

/**
 * GitLab's reachability, at /q/health/group/gitlab — deliberately neither liveness nor readiness: a GitLab
 * outage must not take pods out of service (webhooks are still accepted and wait in the journal).
 */
@HealthGroup("gitlab")
@ApplicationScoped
public class GitLabHealthCheck implements HealthCheck {

    private final GitLabCircuitBreaker breaker;
    private final GitLabStartupCheck startup;
    private final StatusPosting posting;

    @Inject
    public GitLabHealthCheck(GitLabCircuitBreaker breaker, GitLabStartupCheck startup, StatusPosting posting) {
        this.breaker = breaker;
        this.startup = startup;
        this.posting = posting;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("gitlab")
                .status(!breaker.isOpen() && startup.tokenProblem().isEmpty())
                .withData("reports", breaker.isOpen() ? "paused: GitLab keeps failing" : "flowing")
                .withData("token", startup.tokenProblem().orElse("accepted or not checked"))
                .withData(
                        "statusMode",
                        posting.mode().name().toLowerCase(Locale.ROOT).replace('_', '-'))
                .build();
    }
}
