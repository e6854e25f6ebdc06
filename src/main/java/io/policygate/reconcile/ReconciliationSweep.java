package io.policygate.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import io.policygate.config.GitLabConfig;
import io.policygate.config.ReconcileConfig;
import io.policygate.event.CheckKey;
import io.policygate.event.InvalidPayloadException;
import io.policygate.event.MergeRequestEventParser;
import io.policygate.event.ParsedEvent;
import io.policygate.gitlab.MergeRequestPayloads;
import io.policygate.gitlab.MergeRequestReads;
import io.policygate.gitlab.RequestPace;
import io.policygate.journal.JournalStore;
import io.policygate.policy.DataUnavailableException;
import io.policygate.worker.JobWorker;
import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import org.jboss.logging.Logger;

/**
 * The level-triggered safety net (design.md §6): for every project policy-gate knows, list the open
 * merge requests, read their status checks at the current HEAD, and queue an evaluation for each of our
 * checks that is pending or failed without an evaluation of ours for that SHA (the webhook was lost, or
 * GitLab's 2-minute pending timeout fired). One replica at a time runs it (a lease in the journal).
 */
@ApplicationScoped
public class ReconciliationSweep {

    private static final Logger LOG = Logger.getLogger(ReconciliationSweep.class);
    private static final Set<String> NEEDS_US = Set.of("pending", "failed");

    /** What one sweep did. */
    public record Result(int projects, int mergeRequests, int queued) {
    }

    private final JournalStore journal;
    private final MergeRequestReads reads;
    private final JobWorker worker;
    private final ReconcileConfig config;
    private final GitLabConfig gitlab;
    private final String owner = ManagementFactory.getRuntimeMXBean().getName();

    @Inject
    public ReconciliationSweep(JournalStore journal, MergeRequestReads reads, JobWorker worker, ReconcileConfig config,
            GitLabConfig gitlab) {
        this.journal = journal;
        this.reads = reads;
        this.worker = worker;
        this.config = config;
        this.gitlab = gitlab;
    }

    @Scheduled(every = "${policy-gate.reconcile.every}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = DryRunOrNoGitLab.class)
    void scheduled() {
        // Held for one period: the same replica renews it each time, another takes over if it stops.
        Duration lease = DurationConverter.parseDuration(config.every()).plusMinutes(1);
        if (journal.acquireNamedLease("reconcile", owner, lease)) {
            sweep();
        }
    }

    public Result sweep() {
        Map<Long, Set<Long>> checks = new TreeMap<>(journal.checksSeen());
        config.projects().orElse(List.of()).forEach(p -> checks.computeIfAbsent(p, k -> new HashSet<>()));
        gitlab.defaultCheckId().ifPresent(id -> checks.values().forEach(ids -> ids.add(id)));
        int mergeRequests = 0;
        int queued = 0;
        RequestPace pace = new RequestPace(config.requestsPerSecond());
        for (Map.Entry<Long, Set<Long>> project : checks.entrySet()) {
            try {
                for (JsonNode mr : reads.openMergeRequests(project.getKey())) {
                    mergeRequests++;
                    if (!pace.await()) {
                        return new Result(checks.size(), mergeRequests, queued);
                    }
                    queued += reconcile(project.getKey(), mr, project.getValue());
                }
            } catch (DataUnavailableException e) {
                LOG.warnf("Reconciliation skipped project %d: %s", project.getKey(), e.getMessage());
            }
        }
        if (queued > 0) {
            worker.wakeUp();
        }
        LOG.infof("Reconciliation: %d projects, %d open merge requests, %d evaluations queued", checks.size(),
                mergeRequests, queued);
        return new Result(checks.size(), mergeRequests, queued);
    }

    private int reconcile(long projectId, JsonNode mr, Set<Long> ours) {
        long iid = mr.path("iid").asLong();
        String sha = mr.path("sha").asText("");
        int queued = 0;
        for (JsonNode check : reads.statusChecks(projectId, iid)) {
            long checkId = check.path("id").asLong();
            if (!ours.contains(checkId) || !NEEDS_US.contains(check.path("status").asText())
                    || journal.hasEvaluation(new CheckKey(projectId, iid, checkId), sha)) {
                continue;
            }
            String payload = MergeRequestPayloads.of(projectId, mr, checkId, check.path("name").asText(""),
                    "reconciliation");
            try {
                ParsedEvent parsed = MergeRequestEventParser.parse(payload.getBytes(StandardCharsets.UTF_8),
                        OptionalLong.of(checkId));
                if (parsed instanceof ParsedEvent.Actionable actionable) {
                    journal.enqueue(actionable.event(), payload);
                    queued++;
                    LOG.infof("Reconciliation queued %d!%d#%d at %s (check was %s without our verdict)", projectId, iid,
                            checkId, sha, check.path("status").asText());
                }
            } catch (InvalidPayloadException e) {
                LOG.warnf("Reconciliation cannot evaluate %d!%d: GitLab's answer lacks %s", projectId, iid, e.field());
            }
        }
        return queued;
    }
}
