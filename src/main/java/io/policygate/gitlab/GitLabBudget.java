package io.policygate.gitlab;

import io.micrometer.core.instrument.MeterRegistry;
import io.policygate.config.GitLabConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
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
    /** What is left of the window: the least of GitLab's word and the calls given a turn since, counted down. */
    private long remaining;
    /** The fewest calls GitLab has said are left in this window: its own word, every replica's calls counted. */
    private long gitLabLeft;
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
                gitLabLeft = seenRemaining;
            } else if (window.equals(resetAt)) {
                // Answers overtake each other: the fewest calls left is the newest word.
                remaining = Math.min(remaining, seenRemaining);
                gitLabLeft = Math.min(gitLabLeft, seenRemaining);
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
                gitLabLeft = 0;
            }
        }
    }

    /**
     * Takes one call from the budget: how long it must wait before it goes (zero while the budget is ample). Calls
     * that take their turn one after the other go in that order.
     */
    public synchronized Duration take() {
        Instant now = clock.instant();
        newWindowIfDue(now);
        Instant at = now;
        if (now.isBefore(pausedUntil)) {
            at = atTheEndOfTheQueue(pausedUntil);
        } else if (resetAt != null && limit > 0 && remaining < reserve * limit) {
            if (remaining <= 0) {
                at = atTheEndOfTheQueue(resetAt);
            } else {
                // What is left is spread evenly over the time from the last call already given a slot to the
                // reset: measured from now instead, a burst of N waiting calls would reach N/N + N/(N-1) + … ≈
                // ln N windows ahead (six minutes for 500 calls, far past a job's lease).
                at = later(now, nextSlot);
                Duration left = Duration.between(at, resetAt);
                nextSlot = at.plus(left.isNegative() ? AFTER_RESET : left.dividedBy(remaining));
            }
        }
        if (resetAt != null) {
            remaining--;
        }
        return Duration.between(now, at);
    }

    /**
     * Asked by a call whose turn has come after a wait: how much longer it must wait, because GitLab has said since
     * that nothing is left before its reset (a 429, or {@code RateLimit-Remaining: 0}). Turns are given ahead from
     * this replica's count; another replica spending the same token's window shows only in GitLab's later answers,
     * and this is where the calls already given a turn heed them, instead of being answered 429.
     */
    public synchronized Duration recheck() {
        Instant now = clock.instant();
        newWindowIfDue(now);
        Instant until = now.isBefore(pausedUntil) ? pausedUntil : resetAt != null && gitLabLeft <= 0 ? resetAt : now;
        return until.isAfter(now) ? Duration.between(now, atTheEndOfTheQueue(until)) : Duration.ZERO;
    }

    private void newWindowIfDue(Instant now) {
        if (resetAt != null && !now.isBefore(resetAt)) {
            // A new window: nothing is known of it until GitLab's next answer.
            resetAt = null;
        }
    }

    /** A turn at {@code earliest} or after the last turn given, whichever is later, the next one just after it. */
    private Instant atTheEndOfTheQueue(Instant earliest) {
        Instant at = later(earliest, nextSlot);
        nextSlot = at.plus(AFTER_RESET);
        return at;
    }

    /** How far ahead the calls already waiting for their turn reach: zero while calls go at once. */
    public synchronized Duration queued() {
        Duration ahead = Duration.between(clock.instant(), later(nextSlot, pausedUntil));
        return ahead.isNegative() ? Duration.ZERO : ahead;
    }

    /** GitLab's RateLimit-Limit as last seen (calls per window); empty while GitLab has sent none. */
    public synchronized OptionalLong limit() {
        return limit > 0 ? OptionalLong.of(limit) : OptionalLong.empty();
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
