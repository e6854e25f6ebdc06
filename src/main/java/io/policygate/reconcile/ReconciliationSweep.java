package io.policygate.reconcile;

import io.policygate.config.GitLabConfig;
import io.policygate.config.ReconcileConfig;
import io.policygate.config.ServiceConfig;
import io.policygate.config.StatusMode;
import io.policygate.event.CheckKey;
import io.policygate.event.Origin;
import io.policygate.gitlab.GitLabPurpose;
import io.policygate.gitlab.MergeRequest;
import io.policygate.gitlab.MergeRequestReads;
import io.policygate.gitlab.RequestPace;
import io.policygate.gitlab.StatusCheck;
import io.policygate.gitlab.StatusPosting;
import io.policygate.journal.ClusterLease;
import io.policygate.journal.EvaluationRecords;
import io.policygate.journal.JobState;
import io.policygate.journal.WorkDue;
import io.policygate.policy.ActivePolicies;
import io.policygate.policy.DataUnavailableException;
import io.policygate.worker.EvaluationQueue;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * The level-triggered safety net: for every project policy-gate knows, list the open merge requests, read their
 * status checks at the current HEAD (every page), and queue an evaluation for each of our checks whose status
 * is not the verdict policy-gate gave for that SHA: pending or failed without an evaluation of ours (the webhook
 * was lost, or GitLab's 2-minute pending timeout fired), a status someone else posted, passed included, or a verdict
 * a waiver excused a rule of when that waiver no longer applies (it expired or was removed). One replica at a time
 * runs it (a lease in the journal); its period bounds how long a forged status goes unseen, and how long a merge
 * request keeps a pass its waiver no longer gives.
 */
@ApplicationScoped
public class ReconciliationSweep {

    private static final Logger LOG = Logger.getLogger(ReconciliationSweep.class);
    private static final Set<String> NEEDS_US = Set.of("pending", "failed");
    /** How long a stop waits for a sweep to reach its next merge request: one GitLab read or two. */
    private static final Duration STOP_WAIT = Duration.ofSeconds(10);

    /** What one sweep did. */
    public record Result(int projects, int mergeRequests, int queued) {}

    private final ClusterLease leases;
    private final EvaluationRecords records;
    private final MergeRequestReads reads;
    private final EvaluationQueue queue;
    private final Event<WorkDue> due;
    private final ReconcileConfig config;
    private final GitLabConfig gitlab;
    private final ServiceConfig service;
    private final StatusPosting posting;
    private final ActivePolicies policies;
    private final String owner = ManagementFactory.getRuntimeMXBean().getName();
    private final AtomicInteger sweeping = new AtomicInteger();
    private volatile boolean stopping;

    @Inject
    public ReconciliationSweep(
            ClusterLease leases,
            EvaluationRecords records,
            MergeRequestReads reads,
            EvaluationQueue queue,
            Event<WorkDue> due,
            ReconcileConfig config,
            GitLabConfig gitlab,
            ServiceConfig service,
            StatusPosting posting,
            ActivePolicies policies) {
        this.policies = policies;
        this.leases = leases;
        this.records = records;
        this.reads = reads;
        this.queue = queue;
        this.due = due;
        this.config = config;
        this.gitlab = gitlab;
        this.service = service;
        this.posting = posting;
    }

    @Scheduled(
            every = "${policy-gate.reconcile.every}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = DryRunOrNoGitLab.class)
    void scheduled() {
        // Held for one period: the same replica renews it each time, another takes over if it stops.
        Duration lease = DurationConverter.parseDuration(config.every()).plusMinutes(1);
        if (leases.acquire("reconcile", owner, lease)) {
            sweep();
        }
    }

    /** Every project policy-gate knows: webhooks came from it, register recorded it, or it is configured. */
    public Result sweep() {
        Map<Long, Set<Long>> checks = new TreeMap<>(records.checksSeen());
        config.projects().orElse(List.of()).forEach(p -> checks.computeIfAbsent(p, k -> new HashSet<>()));
        gitlab.defaultCheckId().ifPresent(id -> checks.values().forEach(ids -> ids.add(id)));
        return sweep(checks, Origin.RECONCILIATION);
    }

    /**
     * These projects, for these of their status checks (project id to check ids), paced as every sweep is. A sweep
     * stops between two merge requests when the service stops: what it has not looked at, the next sweep will.
     *
     * @param origin what the jobs it queues say asked for them
     */
    public Result sweep(Map<Long, Set<Long>> checks, Origin origin) {
        sweeping.incrementAndGet();
        try {
            return GitLabPurpose.during(
                    origin == Origin.REGISTER ? GitLabPurpose.REGISTER : GitLabPurpose.SWEEP,
                    () -> sweepWhileRunning(checks, origin));
        } finally {
            sweeping.decrementAndGet();
        }
    }

    /**
     * Lets a sweep in progress finish the merge request it is at before the beans it uses are gone (a sweep cut
     * off by the shutdown would fail with an error in the log of a clean stop).
     */
    void onStop(@Observes ShutdownEvent stop) throws InterruptedException {
        stopping = true;
        long deadline = System.nanoTime() + STOP_WAIT.toNanos();
        while (sweeping.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    private Result sweepWhileRunning(Map<Long, Set<Long>> checks, Origin origin) {
        int mergeRequests = 0;
        int queued = 0;
        RequestPace pace = new RequestPace(config.requestsPerSecond());
        for (Map.Entry<Long, Set<Long>> project : checks.entrySet()) {
            try {
                for (MergeRequest mr : reads.openMergeRequests(project.getKey())) {
                    mergeRequests++;
                    if (stopping || !pace.await()) {
                        return new Result(checks.size(), mergeRequests, queued);
                    }
                    queued += reconcile(project.getKey(), mr, project.getValue(), origin);
                }
            } catch (DataUnavailableException e) {
                LOG.warnf("Reconciliation skipped project %d: %s", project.getKey(), e.getMessage());
            }
        }
        if (queued > 0) {
            due.fire(WorkDue.JOB);
        }
        LOG.infof(
                "Reconciliation: %d projects, %d open merge requests, %d evaluations queued",
                checks.size(), mergeRequests, queued);
        return new Result(checks.size(), mergeRequests, queued);
    }

    private int reconcile(long projectId, MergeRequest mr, Set<Long> ours, Origin origin) {
        long iid = mr.iid();
        String sha = mr.sha() == null ? "" : mr.sha();
        int queued = 0;
        for (StatusCheck check : reads.statusChecks(projectId, iid)) {
            if (!ours.contains(check.id())) {
                continue;
            }
            Optional<String> why = whyEvaluate(new CheckKey(projectId, iid, check.id()), sha, check.status());
            if (why.isPresent() && queue.queue(projectId, mr, check.id(), check.name(), origin, check.status())) {
                queued++;
                LOG.infof("Reconciliation queued %d!%d#%d at %s: %s", projectId, iid, check.id(), sha, why.get());
            }
        }
        return queued;
    }

    /**
     * Why GitLab's status of one of our checks at HEAD needs an evaluation, if it does: the webhook never came
     * (pending, or failed by GitLab's 2-minute timeout, with no verdict of ours for the commit), or GitLab shows
     * another status than the verdict policy-gate last posted for the commit (someone posted it: GitLab lets any
     * Developer do that), passed included, or the latest verdict on the commit leaned on a waiver that no longer
     * applies. The evaluation reads GitLab again and decides; it records a pass
     * policy-gate had not given as tampered. A commit with an unfinished job is left to it; one whose job is dead
     * waits for the fix its page names.
     */
    private Optional<String> whyEvaluate(CheckKey key, String sha, String status) {
        Optional<JobState> standing = records.standing(key, sha);
        if (standing.isPresent() && standing.get() != JobState.REPORTED) {
            return Optional.empty();
        }
        List<String> lapsed = standing.isEmpty()
                ? List.of()
                : records.waiversOfLatestVerdict(key, sha).stream()
                        .filter(w -> !policies.waiverInForce(w))
                        .toList();
        if (!lapsed.isEmpty()) {
            return Optional.of("the verdict was excused by waivers no longer in force: " + String.join(", ", lapsed));
        }
        if (!comparesStatuses()) {
            return standing.isEmpty() && NEEDS_US.contains(status)
                    ? Optional.of("the check is " + status + " without an evaluation of ours")
                    : Optional.empty();
        }
        Optional<String> posted = records.lastPosted(key, sha);
        if (posted.isEmpty()) {
            return NEEDS_US.contains(status) || status.equals("passed")
                    ? Optional.of("the check is " + status + " without a verdict of ours")
                    : Optional.empty();
        }
        return status.equals(posted.get())
                ? Optional.empty()
                : Optional.of("GitLab shows " + status + ", policy-gate posted " + posted.get());
    }

    /**
     * GitLab's status can be held against ours only where policy-gate posts passed and failed itself; a dry run
     * posts nothing, and the legacy modes of GitLab 14 cannot post a failure.
     */
    private boolean comparesStatuses() {
        return !service.dryRun() && posting.mode() == StatusMode.STANDARD;
    }
}
