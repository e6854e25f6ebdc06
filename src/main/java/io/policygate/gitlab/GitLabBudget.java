package io.policygate.gitlab;

import io.micrometer.core.instrument.MeterRegistry;
import io.policygate.config.GitLabConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.UnaryOperator;
import org.jboss.logging.Logger;

/**
 * The token's API rate limit as GitLab reports it on every answer ({@code RateLimit-Limit},
 * {@code RateLimit-Remaining}, {@code RateLimit-Reset}; a 429 adds {@code Retry-After}), shared by every call this
 * replica makes (verdicts, notes, sweeps, register, previews). While more than policy-gate.gitlab.budget-reserve of
 * the window's calls are left, calls go at once; below it, what is left is spread over the rest of the window, so
 * that a burst slows down before GitLab answers 429. After a 429 no call goes until GitLab's Retry-After (or the
 * window's reset). GitLab counts a user's calls in fixed windows (Rack::Attack), across every replica using the
 * token: each replica reads the same headers, and spreading what is left at the rate the headers show makes two
 * replicas together slow down as one would (each sees the other's calls in {@code RateLimit-Remaining}).
 * Without the headers (a self-managed GitLab without rate limits) nothing is spread.
 */
@ApplicationScoped
public class GitLabBudget {

    private static final Logger LOG = Logger.getLogger(GitLabBudget.class);
    /** How far apart calls go once the window's calls are spent, until its reset lets the next ones through. */
    private static final Duration AFTER_RESET = Duration.ofMillis(2);

    private final Clock clock;
    private final double reserve;

    /** RateLimit-Limit as last seen; 0 while GitLab has sent none. */
    private long limit;
    /** What is left of the window: the least of GitLab's word and the calls made since, counted down. */
    private long remaining;
    /** When GitLab's window ends (RateLimit-Reset); null while unknown. */
    private Instant resetAt;

    private Instant pausedUntil = Instant.EPOCH;
    private Instant nextSlot = Instant.EPOCH;

    @Inject
    public GitLabBudget(GitLabConfig config, Clock clock, MeterRegistry metrics) {
        this(config.budgetReserve(), clock, metrics);
    }

    GitLabBudget(double reserve, Clock clock, MeterRegistry metrics) {
        this.clock = clock;
        this.reserve = reserve;
        if (reserve < 0 || reserve > 1) {
            throw new IllegalStateException("policy-gate.gitlab.budget-reserve (POLICY_GATE_GITLAB_BUDGET_RESERVE) is "
                    + reserve + ": a share of GitLab's rate limit, between 0 and 1");
        }
        metrics.gauge("policy_gate_gitlab_budget_remaining", this, GitLabBudget::remaining);
    }

    /** What one of GitLab's answers says of the budget; {@code header} gives a header's value, or null. */
    public synchronized void observe(int status, UnaryOperator<String> header) {
        Instant now = clock.instant();
        Long seenLimit = number(header.apply("RateLimit-Limit"));
        Long seenRemaining = number(header.apply("RateLimit-Remaining"));
        Long reset = number(header.apply("RateLimit-Reset"));
        if (seenLimit != null && seenRemaining != null && reset != null) {
            Instant window = Instant.ofEpochSecond(reset);
            limit = seenLimit;
            if (resetAt == null || window.isAfter(resetAt)) {
                resetAt = window;
                remaining = seenRemaining;
            } else if (window.equals(resetAt)) {
                // Answers overtake each other: the fewest calls left is the newest word.
                remaining = Math.min(remaining, seenRemaining);
            }
        }
        if (status == 429) {
            Duration retryAfter = GitLabAnswer.parseRetryAfter(header.apply("Retry-After"), now);
            Instant until = retryAfter != null
                    ? now.plus(retryAfter)
                    : resetAt != null && resetAt.isAfter(now) ? resetAt : now.plusSeconds(1);
            if (until.isAfter(pausedUntil)) {
                LOG.warnf(
                        "GitLab answered 429 (too many requests): no call to GitLab before %s. Fix if it recurs:"
                                + " a dedicated user for policy-gate's token has a rate limit of its own",
                        until);
                pausedUntil = until;
            }
            if (resetAt != null) {
                remaining = 0;
            }
        }
    }

    /**
     * Takes one call from the budget: how long it must wait before it goes (zero while the budget is ample). Calls
     * that take their turn one after the other go in that order.
     */
    public synchronized Duration take() {
        Instant now = clock.instant();
        if (resetAt != null && !now.isBefore(resetAt)) {
            // A new window: nothing is known of it until GitLab's next answer.
            resetAt = null;
        }
        Instant at = now;
        if (now.isBefore(pausedUntil)) {
            at = later(pausedUntil, nextSlot);
            nextSlot = at.plus(AFTER_RESET);
        } else if (resetAt != null && limit > 0 && remaining < reserve * limit) {
            Duration left = Duration.between(now, resetAt);
            if (remaining <= 0) {
                at = later(resetAt, nextSlot);
                nextSlot = at.plus(AFTER_RESET);
            } else {
                at = later(now, nextSlot);
                nextSlot = at.plus(left.dividedBy(remaining));
            }
        }
        if (resetAt != null) {
            remaining--;
        }
        return Duration.between(now, at);
    }

    /** GitLab's RateLimit-Limit as last seen (calls per window); empty while GitLab has sent none. */
    public synchronized java.util.OptionalLong limit() {
        return limit > 0 ? java.util.OptionalLong.of(limit) : java.util.OptionalLong.empty();
    }

    /** True while a 429 holds every call back. */
    public synchronized boolean paused() {
        return clock.instant().isBefore(pausedUntil);
    }

    /** Calls left in GitLab's window as far as policy-gate knows; NaN when GitLab reports no rate limit. */
    synchronized double remaining() {
        return resetAt == null ? Double.NaN : Math.max(0, remaining);
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static Long number(String value) {
        if (value == null) {
            return null;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
