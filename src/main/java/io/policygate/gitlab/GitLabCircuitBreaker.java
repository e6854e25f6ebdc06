package io.policygate.gitlab;

import io.micrometer.core.instrument.MeterRegistry;
import io.policygate.config.GitLabConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Stops every job from hammering a GitLab that is down. After {@code breaker-failures} transient
 * failures in a row the breaker opens: no status is posted until {@code breaker-open-for} has passed
 * (doubling while GitLab stays down, capped at 5 minutes); then one probe goes through, and its answer
 * closes or re-opens the breaker. Waiting jobs are postponed in the journal, not counted as attempts.
 */
@ApplicationScoped
public class GitLabCircuitBreaker {

    private static final Logger LOG = Logger.getLogger(GitLabCircuitBreaker.class);
    private static final Duration MAX_OPEN = Duration.ofMinutes(5);

    private final Clock clock;
    private final int threshold;
    private final Duration firstOpen;
    private int consecutiveFailures;
    private Duration openFor;
    private Instant openUntil;
    private boolean probing;

    @Inject
    public GitLabCircuitBreaker(GitLabConfig config, Clock clock, MeterRegistry metrics) {
        this.clock = clock;
        this.threshold = config.breakerFailures();
        this.firstOpen = config.breakerOpenFor();
        this.openFor = firstOpen;
        metrics.gauge("policy_gate_gitlab_circuit_open", this, b -> b.isOpen() ? 1 : 0);
    }

    /** Empty when a request may go to GitLab now; otherwise when to try again. */
    public synchronized Optional<Instant> blockedUntil() {
        if (openUntil == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        if (now.isBefore(openUntil)) {
            return Optional.of(openUntil);
        }
        if (probing) {
            // One probe at a time; the others look again shortly.
            return Optional.of(now.plusSeconds(1));
        }
        probing = true;
        return Optional.empty();
    }

    /** GitLab answered (any status but 429/5xx): it is up. */
    public synchronized void recordAnswer() {
        if (openUntil != null) {
            LOG.info("GitLab answers again; reporting resumes");
        }
        consecutiveFailures = 0;
        openUntil = null;
        probing = false;
        openFor = firstOpen;
    }

    /** No answer, 429 or 5xx. */
    public synchronized void recordFailure() {
        consecutiveFailures++;
        if (probing || (openUntil == null && consecutiveFailures >= threshold)) {
            if (probing) {
                openFor = openFor.multipliedBy(2).compareTo(MAX_OPEN) > 0 ? MAX_OPEN : openFor.multipliedBy(2);
            }
            probing = false;
            openUntil = clock.instant().plus(openFor);
            LOG.warnf("GitLab failed %d times in a row; pausing reports until %s", consecutiveFailures, openUntil);
        }
    }

    /**
     * True while no work that ends in a report is worth starting: the breaker is open, or its one probe
     * is still out. Asks without side effects (unlike {@link #blockedUntil()}).
     */
    public synchronized boolean holding() {
        return openUntil != null && (probing || clock.instant().isBefore(openUntil));
    }

    synchronized boolean isOpen() {
        return openUntil != null;
    }
}
