package io.policygate.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/** How policy-gate reaches GitLab. The URL and token come only from here, never from a payload. */
@ConfigMapping(prefix = "policy-gate.gitlab")
public interface GitLabConfig {

    /** Base URL of the GitLab instance, e.g. https://gitlab.example.com. Required unless dry-run. */
    Optional<URI> url();

    /** Token with the `api` scope, sent as PRIVATE-TOKEN to {@link #url()} only. */
    Optional<String> token();

    /** Which status_check_responses dialect the GitLab instance speaks. */
    @WithDefault("standard")
    StatusMode statusMode();

    /** Check id used when a payload carries no external_approval_rule (plain project webhooks). */
    OptionalLong defaultCheckId();

    /** How long to wait for a TCP connection to GitLab. */
    @WithDefault("5s")
    Duration connectTimeout();

    /** How long to wait for GitLab's answer once connected. */
    @WithDefault("20s")
    Duration readTimeout();

    /**
     * The largest answer policy-gate reads from GitLab for one call. A diff version holds every changed file's
     * diff (GitLab caps a file at 200 KB by default, a version at 1,000 files and more on request), so one merge
     * request could otherwise fill the heap; a larger answer makes the rules that need it fail with "too large to
     * judge", and the check fails. Each read in progress (at most policy-gate.gitlab.max-concurrent-calls) holds
     * its answer, about three times its size while parsed.
     */
    @WithDefault("8M")
    MemorySize maxAnswerSize();

    /**
     * The most calls to GitLab in progress at once, from every part of this replica (workers, notes, the sweep,
     * previews, register): a ceiling. Within it the limit adapts to how GitLab answers, from 8: it grows while GitLab
     * answers as fast as when idle, and shrinks when GitLab answers 429, 5xx or nothing, or slows down. A call beyond
     * it waits, holding no thread, verdicts first. GitLab's rate limit is kept apart
     * (policy-gate.gitlab.budget-reserve); this bounds the load one replica can put on a GitLab without one.
     */
    @WithDefault("512")
    int maxConcurrentCalls();

    /**
     * The share of GitLab's rate limit ({@code RateLimit-Limit}, per user and window) below which policy-gate spreads
     * the calls left in the window over the rest of it, rather than spending them as fast as GitLab answers: a burst
     * then slows down before GitLab answers 429. 0 spends the budget to the last call; 1 spreads every window evenly.
     */
    @WithDefault("0.25")
    double budgetReserve();

    /**
     * How long a project's external status checks (which checks exist, where they send, which branches they are
     * limited to), read once for every verdict of the project, are taken as GitLab listed them: a verdict then
     * needs no read of them. A check that is not in the list, or not policy-gate's, is read again before a job is
     * refused for it; a check re-pointed at another service, or limited to other branches, is seen within this
     * time. 0s reads them for every verdict.
     */
    @WithDefault("5m")
    Duration checkSettingsFor();

    /**
     * How long a group's members, as an approvals rule's {@code from: ["@group"]} reads them (GET
     * /groups/:id/members/all), are taken as GitLab listed them: one read per group in this time, whatever the number
     * of verdicts. Someone added to or removed from the group counts so within this time.
     */
    @WithDefault("10m")
    Duration groupMembersFor();

    /** Transient failures in a row (no answer, 429, 5xx) after which reports pause (circuit breaker). */
    @WithDefault("5")
    int breakerFailures();

    /** How long reports pause once the breaker opens, before one job probes GitLab; again after a failed probe. */
    @WithDefault("30s")
    Duration breakerOpenFor();
}
