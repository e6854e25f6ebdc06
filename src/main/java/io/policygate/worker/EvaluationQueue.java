package io.policygate.worker;

import io.policygate.event.CheckKey;
import io.policygate.event.Origin;
import io.policygate.event.Trigger;
import io.policygate.gitlab.MergeRequest;
import io.policygate.journal.JobQueue;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * Queues evaluations that no webhook asked for: of a merge request as GitLab lists it, for a commit policy-gate
 * has no job for (the reconciliation sweep, register's sweep, or the HEAD a stale webhook's job found). The trigger
 * stored is made from GitLab's answer and says what asked; like a webhook's, it only says what to look at.
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
     * @param gitlabStatus the status GitLab showed for the check at the HEAD, when the caller read it; else null
     * @return true when the journal took it
     */
    public boolean queue(
            long projectId, MergeRequest mr, long checkId, String checkName, Origin origin, String gitlabStatus) {
        if (!Trigger.isCommit(mr.sha())) {
            LOG.warnf(
                    "Cannot queue %d!%d for evaluation: GitLab shows no HEAD commit for it (%s)",
                    projectId, mr.iid(), mr.sha());
            return false;
        }
        jobs.enqueue(new Trigger(
                new CheckKey(projectId, mr.iid(), checkId),
                mr.sha(),
                origin,
                null,
                null,
                new Trigger.Names(
                        mr.projectPath().orElse(null),
                        mr.title(),
                        checkName,
                        mr.sourceBranch(),
                        mr.targetBranch(),
                        null),
                gitlabStatus));
        return true;
    }
}
