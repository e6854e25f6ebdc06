package io.policygate.worker;

import com.fasterxml.jackson.databind.JsonNode;
import io.policygate.event.InvalidPayloadException;
import io.policygate.event.MergeRequestEventParser;
import io.policygate.event.ParsedEvent;
import io.policygate.gitlab.MergeRequestPayloads;
import io.policygate.journal.JobQueue;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.OptionalLong;
import org.jboss.logging.Logger;

/**
 * Queues evaluations that no webhook asked for: of a merge request as GitLab lists it, for a commit policy-gate
 * has no job for (the reconciliation sweep, or the HEAD a stale webhook's job found). The payload stored is
 * built from GitLab's answer; like a webhook's, it only says what to look at.
 */
@ApplicationScoped
public class EvaluationQueue {

    private static final Logger LOG = Logger.getLogger(EvaluationQueue.class);

    private final JobQueue jobs;

    @Inject
    public EvaluationQueue(JobQueue jobs) {
        this.jobs = jobs;
    }

    /**
     * Queues the merge request {@code mr} (GitLab's API answer) at its HEAD for one check; an unfinished job for
     * that commit is asked to evaluate again instead (see {@link JobQueue#enqueue}).
     *
     * @param origin what asked for it, kept in the payload for the history ("reconciliation", …)
     * @return true when the journal took it
     */
    public boolean queue(long projectId, JsonNode mr, long checkId, String checkName, String origin) {
        String payload = MergeRequestPayloads.of(projectId, mr, checkId, checkName, origin);
        try {
            if (MergeRequestEventParser.parse(payload.getBytes(StandardCharsets.UTF_8), OptionalLong.of(checkId))
                    instanceof ParsedEvent.Actionable actionable) {
                jobs.enqueue(actionable.event(), actionable.payload(), Optional.empty());
                return true;
            }
        } catch (InvalidPayloadException e) {
            LOG.warnf(
                    "Cannot queue %d!%d for evaluation: GitLab's answer lacks %s",
                    projectId, mr.path("iid").asLong(), e.field());
        }
        return false;
    }
}
