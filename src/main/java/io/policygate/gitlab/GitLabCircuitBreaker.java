package io.policygate.gitlab;

import io.micrometer.core.instrument.MeterRegistry;
import io.policygate.async.Stages;
import io.policygate.config.GitLabConfig;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.faulttolerance.api.Guard;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.util.TypeLiteral;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.jboss.logging.Logger;

/**
 * Stops every job from hammering a GitLab that is down: SmallRye Fault Tolerance's circuit breaker around each
 * step that talks to GitLab. After {@code breaker-failures} failing steps in a row it opens; no step goes through
 * until {@code breaker-open-for} has passed; then one step probes GitLab, and its answer closes or re-opens the
 * breaker. A step that is turned away is postponed in the journal by its caller, not counted as an attempt, so
 * the waiting outlives a restart; the breaker itself is in memory, per replica.
 */
@ApplicationScoped
public class GitLabCircuitBreaker {

    private static final Logger LOG = Logger.getLogger(GitLabCircuitBreaker.class);

    private final Clock clock;
    private final GitLabConfig config;
    private final Guard guard;
    private volatile CircuitBreakerState state = CircuitBreakerState.CLOSED;
    private volatile Instant openedAt = Instant.EPOCH;
    /** Whether the one probe a half-open breaker lets through is out. */
    private volatile boolean probing;

    @Inject
    public GitLabCircuitBreaker(GitLabConfig config, Clock clock, MeterRegistry metrics) {
        this.clock = clock;
        this.config = config;
        // A window of breaker-failures calls that must all fail: that many failures in a row open it.
        this.guard = Guard.create()
                .withDescription("gitlab")
                .withCircuitBreaker()
                .requestVolumeThreshold(config.breakerFailures())
                .failureRatio(1.0)
                .successThreshold(1)
                .delay(config.breakerOpenFor().toMillis(), ChronoUnit.MILLIS)
                .when(Failed.class::isInstance)
                .onStateChange(this::changed)
                .done()
                // Steps are asynchronous already (see call): nothing to move to another thread.
                .withThreadOffload(false)
                .build();
        metrics.gauge("policy_gate_gitlab_circuit_open", this, b -> b.isOpen() ? 1 : 0);
    }

    /** A step the breaker turned away; {@code until} is when it is worth trying again. */
    public static final class Blocked extends Exception {
        private final transient Instant until;

        Blocked(Instant until) {
            super("GitLab is failing; paused until " + until, null, false, false);
            this.until = until;
        }

        public Instant until() {
            return until;
        }
    }

    /**
     * Runs {@code step}, which talks to GitLab, through the breaker; a result that is {@code failed} (no answer,
     * 429, 5xx) counts towards opening it, any other result closes it. The step's result is counted when it comes:
     * the step holds no thread while it waits for GitLab.
     *
     * @return the step's result; failed with {@link Blocked} when the breaker is open, or its one probe is out
     */
    @SuppressWarnings("unchecked")
    public <T> CompletionStage<T> call(Supplier<CompletionStage<T>> step, Predicate<T> failed) {
        return guard.get(
                        () -> {
                            if (state == CircuitBreakerState.HALF_OPEN) {
                                probing = true;
                            }
                            return step.get().thenApply(result -> {
                                if (failed.test(result)) {
                                    throw new Failed(result);
                                }
                                return (Object) result;
                            });
                        },
                        new TypeLiteral<CompletionStage<Object>>() {})
                .handle((result, error) -> {
                    if (error == null) {
                        return (T) result;
                    }
                    Throwable cause = Stages.cause(error);
                    if (cause instanceof Failed f) {
                        return (T) f.result;
                    }
                    if (cause instanceof CircuitBreakerOpenException) {
                        Instant now = clock.instant();
                        Instant reopens = openedAt.plus(config.breakerOpenFor());
                        // Half-open with its probe out: the others look again shortly.
                        throw new CompletionException(new Blocked(
                                state == CircuitBreakerState.OPEN && reopens.isAfter(now)
                                        ? reopens
                                        : now.plusSeconds(1)));
                    }
                    throw new CompletionException(cause);
                });
    }

    /**
     * True while no work that talks to GitLab is worth starting: the breaker is open, or its one probe is still
     * out. Asks without side effects (unlike {@link #call}).
     */
    public boolean holding() {
        CircuitBreakerState now = state;
        return now == CircuitBreakerState.OPEN || (now == CircuitBreakerState.HALF_OPEN && probing);
    }

    boolean isOpen() {
        return state != CircuitBreakerState.CLOSED;
    }

    private void changed(CircuitBreakerState next) {
        CircuitBreakerState before = state;
        probing = false;
        if (next == CircuitBreakerState.OPEN) {
            openedAt = clock.instant();
            LOG.warnf(
                    "GitLab failed %s; pausing reports until %s",
                    before == CircuitBreakerState.HALF_OPEN
                            ? "the probe"
                            : config.breakerFailures() + " times in a row",
                    openedAt.plus(config.breakerOpenFor()));
        } else if (next == CircuitBreakerState.CLOSED) {
            LOG.info("GitLab answers again; reporting resumes");
        }
        state = next;
    }

    /** A step's result that counts as a failure of GitLab, carried through the guard. */
    private static final class Failed extends RuntimeException {
        private final transient Object result;

        Failed(Object result) {
            super(null, null, false, false);
            this.result = result;
        }
    }
}
