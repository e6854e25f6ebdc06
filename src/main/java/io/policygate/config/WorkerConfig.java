package io.policygate.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** How this process takes jobs from the journal and works on them. */
@ConfigMapping(prefix = "policy-gate.worker")
public interface WorkerConfig {

    /**
     * Threads that do the jobs' work: parsing, evaluating, signing, writing the journal. A job waiting for GitLab
     * holds none of them, so this follows the CPUs, not GitLab's latency.
     */
    @WithDefault("4")
    int threads();

    /**
     * Jobs this process has claimed and not finished at once: while one waits for GitLab, others go on. Jobs
     * beyond it wait in the journal. Calls to GitLab are limited apart (policy-gate.gitlab.max-concurrent-calls, and
     * GitLab's rate limit), so this may be high: against a GitLab answering in 250 ms a verdict of three calls takes
     * 0.75 s, and 512 jobs in flight keep up with what two cores evaluate against an instant one.
     */
    @WithDefault("512")
    int jobsInFlight();

    /**
     * How often an idle worker looks for due jobs (new jobs wake it at once), and the longest it waits, before a
     * claim, for a moment when no webhook is being answered: intake goes first.
     */
    @WithDefault("1s")
    Duration pollInterval();

    /** How long a claimed job stays reserved to this process before another may take it. */
    @WithDefault("2m")
    Duration lease();

    /**
     * How many steps of a job in a row may fail the same unforeseen way (a bug, an error in a plug-in) before the job
     * ends dead with that failure as its reason; until then each is tried again after a backoff. No job is claimed
     * for ever.
     */
    @WithDefault("5")
    int maxStepFailures();

    /** On shutdown, how long in-flight jobs may take to finish their step before their leases are released. */
    @WithDefault("10s")
    Duration shutdownGrace();
}
