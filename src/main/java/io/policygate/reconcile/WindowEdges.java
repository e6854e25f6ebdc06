package io.policygate.reconcile;

import io.policygate.event.Origin;
import io.policygate.journal.ClusterLease;
import io.policygate.journal.EvaluationRecords;
import io.policygate.policy.ActivePolicies;
import io.policygate.policy.Policy;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jboss.logging.Logger;

/**
 * Judges open merge requests again when a change window opens or closes: a pass turns failed when a freeze starts,
 * and back when it ends, though nobody pushed. Every policy-gate.reconcile.windows-every it asks the policies in
 * force whether a rule's result may have changed since the last look ({@code window} rules, and plug-ins that say
 * when theirs do), and sweeps the projects those policies concern, as the reconciliation sweep does. One replica at a
 * time (a lease in the journal), so that an edge costs GitLab one sweep, not one per replica.
 */
@ApplicationScoped
public class WindowEdges {

    private static final Logger LOG = Logger.getLogger(WindowEdges.class);
    private static final String LEASE = "window-edges";
    /** Longer than a sweep of the concerned projects is expected to take; a replica that dies frees it then. */
    private static final Duration LEASE_FOR = Duration.ofMinutes(10);

    private final ActivePolicies policies;
    private final EvaluationRecords records;
    private final ReconciliationSweep sweep;
    private final ClusterLease leases;
    private final Clock clock;
    private final String owner = ManagementFactory.getRuntimeMXBean().getName() + "/windows";
    private volatile Instant lastLook;

    @Inject
    public WindowEdges(
            ActivePolicies policies,
            EvaluationRecords records,
            ReconciliationSweep sweep,
            ClusterLease leases,
            Clock clock) {
        this.policies = policies;
        this.records = records;
        this.sweep = sweep;
        this.leases = leases;
        this.clock = clock;
        this.lastLook = clock.instant();
    }

    @Scheduled(
            every = "${policy-gate.reconcile.windows-every}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = DryRunOrNoGitLab.class)
    void scheduled() {
        look();
    }

    /**
     * Sweeps the projects of the policies whose windows had an edge since the last look; the result says how many
     * merge requests were queued (none when no edge passed, or another replica holds the lease).
     */
    public ReconciliationSweep.Result look() {
        Instant since = lastLook;
        Instant now = clock.instant();
        lastLook = now;
        List<Policy> changed = policies.current().changingBetween(since, now);
        if (changed.isEmpty() || !leases.acquire(LEASE, owner, LEASE_FOR)) {
            return new ReconciliationSweep.Result(0, 0, 0);
        }
        try {
            Map<Long, String> paths = records.confirmedProjectPaths();
            Map<Long, Set<Long>> checks = new TreeMap<>();
            records.checksSeen().forEach((project, ids) -> {
                String path = paths.getOrDefault(project, "");
                if (changed.stream().anyMatch(p -> p.appliesTo().concernsProject(project, path))) {
                    checks.put(project, ids);
                }
            });
            LOG.infof(
                    "A change window of %s opened or closed: judging the open merge requests of %d projects again",
                    changed.stream().map(Policy::name).toList(), checks.size());
            return sweep.sweep(checks, Origin.WINDOW);
        } finally {
            leases.release(LEASE, owner);
        }
    }
}
