package io.policygate.reconcile;

import io.policygate.config.GitLabConfig;
import io.policygate.config.ReconcileConfig;
import io.policygate.config.ServiceConfig;
import io.policygate.config.StatusMode;
import io.policygate.coverage.GatePosture;
import io.policygate.coverage.MergeAudit;
import io.policygate.event.CheckKey;
import io.policygate.event.Origin;
import io.policygate.gitlab.GitLabBudget;
import io.policygate.gitlab.GitLabPurpose;
import io.policygate.gitlab.GitLabRefusal;
import io.policygate.gitlab.ListedMergeRequest;
import io.policygate.gitlab.Merge;
import io.policygate.gitlab.MergeRequest;
import io.policygate.gitlab.MergeRequestReads;
import io.policygate.gitlab.RequestPace;
import io.policygate.gitlab.StatusCheck;
import io.policygate.gitlab.StatusPosting;
import io.policygate.journal.ClusterLease;
import io.policygate.journal.EvaluationRecords;
import io.policygate.journal.JobState;
import io.policygate.journal.SweepRecords;
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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * The level-triggered safety net: it reads what GitLab shows of the open merge requests policy-gate covers and
 * queues an evaluation for each of our checks whose status is not the verdict policy-gate gave for that SHA: pending
 * or failed without an evaluation of ours (the webhook was lost, or GitLab's 2-minute pending timeout fired), a
 * status someone else posted, passed included, or a verdict a waiver excused a rule of when that waiver no longer
 * applies (it expired or was removed). One replica at a time runs it (a lease in the journal).
 *
 * <p>A sweep costs what changed, not what exists. It lists the merge requests updated since the last sweep (the
 * first lists every open one), by group where it can ({@code GET /groups/:id/merge_requests}, subgroups included:
 * one listing for all the covered projects of a namespace, a user's namespace project by project), and reads the
 * status checks of each that changed. Statuses change without the merge request being updated (anyone with the
 * Developer role can post one), so each sweep also reads, in turn, the statuses of the open merge requests read
 * longest ago, as many as policy-gate.reconcile.status-share of GitLab's budget allows: every open merge request's
 * statuses are read within (open merge requests / that many) sweeps, the bound on how long a forged status goes
 * unseen, logged with each sweep.
 */
@ApplicationScoped
public class ReconciliationSweep {

    private static final Logger LOG = Logger.getLogger(ReconciliationSweep.class);
    private static final Set<String> NEEDS_US = Set.of("pending", "failed");
    /** How long a stop waits for a sweep to reach its next merge request: one GitLab read or two. */
    private static final Duration STOP_WAIT = Duration.ofSeconds(10);
    /**
     * How far before the last listing the next one starts: GitLab's updated_at is set when its transaction
     * commits, a little after the clock read it, and the two clocks differ.
     */
    private static final Duration OVERLAP = Duration.ofMinutes(2);
    /** GitLab's authenticated API rate limit counts calls in windows of a minute (Rack::Attack's period). */
    private static final Duration RATE_LIMIT_WINDOW = Duration.ofMinutes(1);
    /** More open merge requests than any installation has. */
    private static final int ALL = 1_000_000;

    /**
     * What one sweep did: the projects it covered, the merge requests whose statuses it read (those that changed and
     * those read in turn), and the evaluations it queued.
     */
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
    private final SweepRecords sweeps;
    private final GitLabBudget budget;
    private final MergeAudit audit;
    private final GatePosture posture;
    private final Clock clock;
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
            ActivePolicies policies,
            SweepRecords sweeps,
            GitLabBudget budget,
            MergeAudit audit,
            GatePosture posture,
            Clock clock) {
        this.audit = audit;
        this.posture = posture;
        this.policies = policies;
        this.sweeps = sweeps;
        this.budget = budget;
        this.clock = clock;
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

    /**
     * Every project policy-gate knows (webhooks came from it, register recorded it, or it is configured): what
     * changed since the last sweep, then the statuses read longest ago.
     */
    public Result sweep() {
        Map<Long, Set<Long>> checks = new TreeMap<>(records.checksSeen());
        config.projects().orElse(List.of()).forEach(p -> checks.computeIfAbsent(p, k -> new HashSet<>()));
        gitlab.defaultCheckId().ifPresent(id -> checks.values().forEach(ids -> ids.add(id)));
        sweeping.incrementAndGet();
        try {
            return GitLabPurpose.during(GitLabPurpose.SWEEP, () -> sweepChanged(checks));
        } finally {
            sweeping.decrementAndGet();
        }
    }

    /**
     * Every open merge request of these projects, for these of their status checks (project id to check ids), paced
     * as every sweep is: register's catch-up of the projects it hands over. A sweep stops between two merge requests
     * when the service stops: what it has not looked at, the next sweep will.
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
                    sweeps.open(listed(mr), clock.instant());
                }
            } catch (DataUnavailableException e) {
                LOG.warnf("Reconciliation skipped project %d: %s", project.getKey(), e.getMessage());
            }
        }
        LOG.infof(
                "Reconciliation of %d projects: %d open merge requests, %d evaluations queued",
                checks.size(), mergeRequests, queued);
        return finished(checks.size(), mergeRequests, queued);
    }

    private Result finished(int projects, int mergeRequests, int queued) {
        if (queued > 0) {
            due.fire(WorkDue.JOB);
        }
        return new Result(projects, mergeRequests, queued);
    }

    /** The merge requests updated since the last listing, then the statuses read longest ago. */
    private Result sweepChanged(Map<Long, Set<Long>> checks) {
        Instant started = clock.instant();
        Optional<Instant> since = sweeps.listedUntil().map(until -> until.minus(OVERLAP));
        RequestPace pace = new RequestPace(config.requestsPerSecond());
        Listing listing = changedSince(checks.keySet(), since.orElse(null));
        int mergeRequests = 0;
        int queued = 0;
        boolean accounted = true;
        for (ListedMergeRequest listed : listing.mergeRequests()) {
            MergeRequest mr = listed.mergeRequest();
            // An open merge request's statuses are read, a merge may be (when ungated): both at the sweep's pace.
            if ((mr.open() || listed.merge().isPresent()) && (stopping || !pace.await())) {
                return new Result(checks.size(), mergeRequests, queued);
            }
            if (!mr.open()) {
                sweeps.closed(mr.projectId(), mr.iid());
                if (listed.merge().isPresent()) {
                    accounted &= accountFor(mr, listed.merge().get(), checks.get(mr.projectId()));
                }
                continue;
            }
            mergeRequests++;
            queued += reconcile(mr.projectId(), mr, checks.get(mr.projectId()), Origin.RECONCILIATION);
            sweeps.open(listed(mr), clock.instant());
        }
        if (listing.whole() && accounted) {
            sweeps.listedUntil(started);
        }
        GitLabPurpose.during(GitLabPurpose.NOTE, audit::writeDueNotes);
        posture.judgeDue(checks, config.every().equals("off") ? null : DurationConverter.parseDuration(config.every()));
        int turn = inTurn();
        int read = 0;
        for (SweepRecords.OpenMergeRequest open : sweeps.longestUnread(turn, started)) {
            Set<Long> ours = checks.get(open.projectId());
            if (stopping || !pace.await()) {
                break;
            }
            try {
                if (ours != null) {
                    queued += reconcile(open.projectId(), unchanged(open), ours, Origin.RECONCILIATION);
                    read++;
                }
                sweeps.statusRead(open.projectId(), open.iid(), clock.instant());
            } catch (GitLabRefusal gone) {
                // Deleted, moved, or no longer visible to the token's user: nothing of it is left to read.
                sweeps.closed(open.projectId(), open.iid());
            } catch (DataUnavailableException e) {
                LOG.warnf("Reconciliation could not read %d!%d: %s", open.projectId(), open.iid(), e.getMessage());
            }
        }
        long open = sweeps.open();
        LOG.infof(
                "Reconciliation: %d projects in %d listings, %d changed merge requests, statuses of %d more read in"
                        + " turn; %d evaluations queued. %d open merge requests: each one's statuses are read within"
                        + " %d sweeps",
                checks.size(),
                listing.calls(),
                mergeRequests,
                read,
                queued,
                open,
                turn == 0 ? 0 : (open + turn - 1) / turn);
        return finished(checks.size(), mergeRequests + read, queued);
    }

    /**
     * How many unchanged merge requests a sweep reads the statuses of: policy-gate.reconcile.status-share of the
     * calls GitLab allows in a sweep's period (its RateLimit-Limit a minute, or the sweep's own pace without one).
     */
    private int inTurn() {
        if (config.every().equals("off")) {
            // A sweep run by hand (policy-gate.reconcile.every=off: none is scheduled) reads them all.
            return ALL;
        }
        Duration period = DurationConverter.parseDuration(config.every());
        double perSecond = budget.limit().isPresent()
                ? budget.limit().getAsLong() / (double) RATE_LIMIT_WINDOW.toSeconds()
                : config.requestsPerSecond();
        return (int) Math.max(1, Math.floor(config.statusShare() * perSecond * period.toSeconds()));
    }

    /** What one listing of changed merge requests found, in how many listings, and whether every one answered. */
    private record Listing(List<ListedMergeRequest> mergeRequests, int calls, boolean whole) {}

    /**
     * The covered projects' merge requests updated after {@code since} (every open one when null): one listing per
     * namespace of projects whose path GitLab gave (the outermost: a group's listing includes its subgroups), project
     * by project for the others and for namespaces GitLab has no group for (a user's).
     */
    private Listing changedSince(Set<Long> covered, Instant since) {
        Map<Long, String> paths = records.confirmedProjectPaths();
        Map<String, List<Long>> byNamespace = new TreeMap<>();
        List<Long> alone = new java.util.ArrayList<>();
        for (long project : covered) {
            String path = paths.get(project);
            int slash = path == null ? -1 : path.lastIndexOf('/');
            if (slash > 0) {
                byNamespace
                        .computeIfAbsent(path.substring(0, slash), k -> new java.util.ArrayList<>())
                        .add(project);
            } else {
                alone.add(project);
            }
        }
        outermost(byNamespace);
        List<ListedMergeRequest> found = new java.util.ArrayList<>();
        int calls = 0;
        boolean whole = true;
        for (Map.Entry<String, List<Long>> namespace : byNamespace.entrySet()) {
            try {
                calls++;
                reads.groupMergeRequestsChanged(namespace.getKey(), since).stream()
                        .filter(listed -> covered.contains(listed.mergeRequest().projectId()))
                        .forEach(found::add);
            } catch (GitLabRefusal noGroup) {
                alone.addAll(namespace.getValue());
            } catch (DataUnavailableException e) {
                LOG.warnf("Reconciliation could not list group %s: %s", namespace.getKey(), e.getMessage());
                whole = false;
            }
        }
        for (long project : alone) {
            try {
                calls++;
                found.addAll(reads.mergeRequestsChanged(project, since));
            } catch (DataUnavailableException e) {
                LOG.warnf("Reconciliation skipped project %d: %s", project, e.getMessage());
                whole = false;
            }
        }
        return new Listing(found, calls, whole);
    }

    /**
     * Records whether a merge the listing showed passed the gate ({@link MergeAudit}); false when it could not be
     * judged now, so that the next sweep lists it again.
     */
    private boolean accountFor(MergeRequest mr, Merge merge, Set<Long> ours) {
        try {
            audit.merged(mr, merge, ours);
            return true;
        } catch (RuntimeException e) {
            LOG.errorf(
                    "The merge of %d!%d could not be accounted for (%s): the next sweep lists it again",
                    mr.projectId(), mr.iid(), e.getMessage());
            return false;
        }
    }

    /** Moves the projects of a namespace inside another into the outer one: its listing includes them. */
    private static void outermost(Map<String, List<Long>> byNamespace) {
        for (String inner : List.copyOf(byNamespace.keySet())) {
            byNamespace.keySet().stream()
                    .filter(outer -> inner.startsWith(outer + "/"))
                    .findFirst()
                    .ifPresent(outer -> byNamespace.get(outer).addAll(byNamespace.remove(inner)));
        }
    }

    private static SweepRecords.OpenMergeRequest listed(MergeRequest mr) {
        return new SweepRecords.OpenMergeRequest(
                mr.projectId(), mr.iid(), mr.sha(), mr.title(), mr.sourceBranch(), mr.targetBranch());
    }

    /** A merge request as the sweep last listed it: unchanged since, as GitLab's updated_at says. */
    private static MergeRequest unchanged(SweepRecords.OpenMergeRequest open) {
        return new MergeRequest(
                open.projectId(),
                open.iid(),
                open.title(),
                "",
                "opened",
                open.sha(),
                open.sourceBranch(),
                open.targetBranch(),
                false,
                false,
                List.of(),
                null,
                "",
                null,
                null);
    }

    private int reconcile(long projectId, MergeRequest mr, Set<Long> ours, Origin origin) {
        if (ours == null) {
            return 0;
        }
        long iid = mr.iid();
        String sha = mr.sha() == null ? "" : mr.sha();
        int queued = 0;
        for (StatusCheck check : reads.statusChecks(projectId, iid)) {
            if (!ours.contains(check.id())) {
                continue;
            }
            CheckKey key = new CheckKey(projectId, iid, check.id());
            Optional<String> why =
                    origin == Origin.WINDOW ? windowEdge(key, sha) : whyEvaluate(key, sha, check.status());
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
     * At a change window's edge a verdict reached before it may no longer hold, whatever GitLab shows: every commit is
     * judged again, but one with an unfinished job, which will judge it now anyway.
     */
    private Optional<String> windowEdge(CheckKey key, String sha) {
        return records.standing(key, sha).filter(JobState.UNFINISHED::contains).isPresent()
                ? Optional.empty()
                : Optional.of("a change window opened or closed");
    }

    /**
     * GitLab's status can be held against ours only where policy-gate posts passed and failed itself; a dry run
     * posts nothing, and the legacy modes of GitLab 14 cannot post a failure.
     */
    private boolean comparesStatuses() {
        return !service.dryRun() && posting.mode() == StatusMode.STANDARD;
    }
}
