package io.policygate.coverage;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.policygate.async.Stages;
import io.policygate.config.CoverageConfig;
import io.policygate.gitlab.ExternalStatusCheck;
import io.policygate.gitlab.MergeRequestReads;
import io.policygate.gitlab.Project;
import io.policygate.journal.MergeRecords;
import io.policygate.journal.PostureRecords;
import io.policygate.journal.PostureRecords.Posture;
import io.policygate.policy.ActivePolicies;
import io.policygate.policy.PolicySet.BranchesTargeted;
import io.policygate.web.WebhookUrls;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Is each covered project's gate in place? Its posture is ok when a status check of the project calls policy-gate,
 * is signed (GitLab sends an HMAC), applies to the branches the policies target, "Status checks must succeed" is on
 * (so a failed or pending check blocks the merge), and no merge went without policy-gate's pass within
 * policy-gate.coverage.window. The reconciliation sweep judges each covered project again every
 * policy-gate.coverage.posture-every (two GitLab calls: the project and its status checks, the latter shared with
 * verdicts for a few minutes), keeps the posture in the journal, and logs a change once: WARN when it gets worse.
 */
@ApplicationScoped
public class GatePosture {

    private static final Logger LOG = Logger.getLogger(GatePosture.class);

    private final PostureRecords records;
    private final MergeRecords merges;
    private final MergeRequestReads reads;
    private final WebhookUrls urls;
    private final ActivePolicies policies;
    private final CoverageConfig config;
    private final MeterRegistry metrics;
    private final Clock clock;
    /** What {@code policy_gate_project_posture_ok{project}} reads: 1 ok, 0 not, per project path. */
    private final Map<String, AtomicInteger> okByProject = new ConcurrentHashMap<>();

    private volatile boolean stopping;

    @Inject
    public GatePosture(
            PostureRecords records,
            MergeRecords merges,
            MergeRequestReads reads,
            WebhookUrls urls,
            ActivePolicies policies,
            CoverageConfig config,
            MeterRegistry metrics,
            Clock clock) {
        this.records = records;
        this.merges = merges;
        this.reads = reads;
        this.urls = urls;
        this.policies = policies;
        this.config = config;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * Judges the covered projects (id to the check ids seen for it) whose posture is older than posture-every, the
     * oldest first: as many as spread them over the sweeps of that period, every one when {@code sweepPeriod} is
     * null (a sweep run by hand).
     *
     * @return how many were judged
     */
    public int judgeDue(Map<Long, Set<Long>> covered, Duration sweepPeriod) {
        Instant now = clock.instant();
        Map<Long, Instant> judged = records.judgedAt();
        Instant stale = now.minus(config.postureEvery());
        long share = sweepPeriod == null || config.postureEvery().isZero()
                ? covered.size()
                : Math.max(1, (long) Math.ceil(covered.size()
                        * (double) sweepPeriod.toMillis()
                        / config.postureEvery().toMillis()));
        List<Long> due = covered.keySet().stream()
                .filter(id -> judged.getOrDefault(id, Instant.EPOCH).isBefore(stale))
                .sorted(Comparator.comparing(id -> judged.getOrDefault(id, Instant.EPOCH)))
                .limit(share)
                .toList();
        int done = 0;
        for (long project : due) {
            try {
                judge(project, covered.get(project));
                done++;
            } catch (RuntimeException e) {
                LOG.warnf("The gate posture of project %d could not be judged now: %s", project, e.getMessage());
            }
        }
        return done;
    }

    /** Judges one project's posture now from what GitLab says; {@code checksSeen}: its check ids in the journal. */
    public Posture judge(long projectId, Set<Long> checksSeen) {
        Instant now = clock.instant();
        Project project = reads.project(String.valueOf(projectId));
        List<ExternalStatusCheck> checks = Stages.join(reads.projectChecksLater(projectId, false));
        List<ExternalStatusCheck> ours = checks.stream()
                .filter(check ->
                        urls.all().isEmpty() ? checksSeen.contains(check.id()) : urls.isOurs(check.externalUrl()))
                .toList();
        List<String> problems = new ArrayList<>();
        problems.addAll(checkProblems(checks, ours, checksSeen));
        problems.addAll(branchProblems(
                ours, policies.current().branchesTargeted(projectId, project.path()), project.defaultBranch()));
        if (project.statusChecksMustSucceed() == null) {
            problems.add("GitLab does not show whether \"Status checks must succeed\" is on: policy-gate's token"
                    + " needs the Maintainer role on the project (the setting is GitLab Ultimate's)");
        } else if (!project.statusChecksMustSucceed()) {
            problems.add("\"Status checks must succeed\" is off: merge requests can merge while policy-gate's"
                    + " check fails or is pending (Settings > Merge requests; register --require-status-checks"
                    + " turns it on)");
        }
        MergeRecords.Ungated ungated = merges.ungatedSince(projectId, now.minus(config.window()));
        if (ungated.count() > 0) {
            problems.add(ungated.count() + (ungated.count() == 1 ? " merge" : " merges")
                    + " without policy-gate's pass in the last "
                    + config.window().toDays() + " days (the latest: !"
                    + ungated.latestIid() + ")");
        }
        Posture posture = new Posture(projectId, project.path(), problems.isEmpty(), List.copyOf(problems), now);
        Optional<Posture> before = records.of(projectId);
        records.record(posture);
        logChange(before, posture);
        show(posture);
        return posture;
    }

    /** Every replica exports the posture gauges from the journal, whichever replica sweeps. */
    @Scheduled(every = "1m", delayed = "10s")
    void showAll() {
        if (!stopping) {
            records.all().forEach(this::show);
        }
    }

    /** The journal's pool closes soon after a stop begins: the gauges are not read from it any more. */
    void onStop(@Observes ShutdownEvent stop) {
        stopping = true;
    }

    private List<String> checkProblems(
            List<ExternalStatusCheck> checks, List<ExternalStatusCheck> ours, Set<Long> checksSeen) {
        List<String> problems = new ArrayList<>();
        if (ours.isEmpty()) {
            Optional<ExternalStatusCheck> moved =
                    checks.stream().filter(c -> checksSeen.contains(c.id())).findFirst();
            problems.add(moved.map(c -> "status check \"" + c.name() + "\" (id " + c.id() + ") calls " + c.externalUrl()
                            + ", not policy-gate")
                    .orElse("no status check of the project calls policy-gate: it was removed (policy-gate register"
                            + " sets one up)"));
        }
        for (ExternalStatusCheck check : ours) {
            if (!check.hmac()) {
                problems.add("status check \"" + check.name() + "\" has no HMAC secret: GitLab signs nothing it"
                        + " sends for it");
            }
        }
        return problems;
    }

    /**
     * Whether policy-gate's checks apply to the branches the policies target: a branch named outright must be one a
     * check applies to; a glob needs a check applying to every branch or limited to exactly that pattern; policies
     * that concern every branch need at least the default branch covered.
     */
    static List<String> branchProblems(
            List<ExternalStatusCheck> ours, BranchesTargeted targeted, String defaultBranch) {
        if (ours.isEmpty()) {
            return List.of();
        }
        List<String> problems = new ArrayList<>();
        String applies = ours.stream()
                .flatMap(c -> c.protectedBranches().isEmpty()
                        ? Stream.of("every branch")
                        : c.protectedBranches().stream().map(ExternalStatusCheck.ProtectedBranch::name))
                .distinct()
                .collect(Collectors.joining(", "));
        if (targeted.every()) {
            if (defaultBranch != null && ours.stream().noneMatch(c -> c.appliesTo(defaultBranch))) {
                problems.add("the policies apply to every branch, but policy-gate's check does not apply to the default"
                        + " branch " + defaultBranch + " (it applies to: " + applies + ")");
            }
            return problems;
        }
        for (String glob : targeted.globs()) {
            boolean pattern = glob.contains("*") || glob.contains("?");
            boolean covered = pattern
                    ? ours.stream()
                            .anyMatch(c -> c.protectedBranches().isEmpty()
                                    || c.protectedBranches().stream().anyMatch(p -> glob.equals(p.name())))
                    : ours.stream().anyMatch(c -> c.appliesTo(glob));
            if (!covered) {
                problems.add("the policies target " + (pattern ? "branches matching " : "branch ") + glob
                        + ", which policy-gate's check does not apply to (it applies to: " + applies + ")");
            }
        }
        return problems;
    }

    private void logChange(Optional<Posture> before, Posture now) {
        String project = now.path().isEmpty() ? String.valueOf(now.id()) : now.path();
        if (before.isPresent() && before.get().problems().equals(now.problems())) {
            return;
        }
        List<String> added = now.problems().stream()
                .filter(p -> before.map(b -> !b.problems().contains(p)).orElse(true))
                .toList();
        if (!added.isEmpty()) {
            LOG.warnf(
                    "Gate posture of %s %s: %s",
                    project, before.isPresent() ? "got worse" : "is not ok", String.join("; ", added));
        } else if (now.ok()) {
            LOG.infof("Gate posture of %s is ok", project);
        } else {
            LOG.infof("Gate posture of %s improved; left: %s", project, String.join("; ", now.problems()));
        }
    }

    private void show(Posture posture) {
        String project = posture.path().isEmpty() ? String.valueOf(posture.id()) : posture.path();
        okByProject
                .computeIfAbsent(project, p -> {
                    AtomicInteger value = new AtomicInteger();
                    Gauge.builder("policy_gate_project_posture_ok", value, AtomicInteger::get)
                            .description("1 while the project's gate posture is ok (GET /api/v1/projects says why not)")
                            .tag("project", p)
                            .register(metrics);
                    return value;
                })
                .set(posture.ok() ? 1 : 0);
    }
}
