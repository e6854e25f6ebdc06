package io.policygate.worker;

import io.policygate.async.Stages;
import io.policygate.config.GitLabConfig;
import io.policygate.config.ServiceConfig;
import io.policygate.event.CheckKey;
import io.policygate.event.Trigger;
import io.policygate.gitlab.MergeRequest;
import io.policygate.gitlab.MergeRequestFacts;
import io.policygate.gitlab.MergeRequestReads;
import io.policygate.gitlab.StatusCheck;
import io.policygate.journal.Job;
import io.policygate.policy.DataUnavailableException;
import io.policygate.policy.MergeRequestContext;
import io.policygate.policy.MergeRequestData;
import io.policygate.web.WebhookUrls;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * What GitLab says about a job's merge request and status check, read when the job is evaluated. A webhook only
 * names which merge request and check to look at: anyone holding the shared secret can write one, so nothing it
 * says decides anything. Only in a dry run without a GitLab to ask do the trigger's names stand in.
 */
@ApplicationScoped
class GitLabFacts {

    /** What the reads found. */
    sealed interface Reading {}

    /**
     * The merge request's HEAD is the job's commit and the check is policy-gate's: judge these facts.
     * {@code status} is GitLab's status of the check at HEAD (passed, failed, pending); empty when the
     * trigger stood in for GitLab.
     */
    record Current(MergeRequestContext mergeRequest, MergeRequestData data, Optional<String> status)
            implements Reading {

        /** The first read of changes or commits that failed during the evaluation, if one did. */
        Optional<DataUnavailableException> unreadable() {
            return data instanceof MergeRequestReads.VerdictData reads ? reads.failure() : Optional.empty();
        }

        /** True when a rule asked for changes or commits that were not read yet: see {@link #read()}. */
        boolean unread() {
            return data instanceof MergeRequestReads.VerdictData reads && reads.unread();
        }

        /** These facts with the changes and commits read from GitLab (or why they could not be), to evaluate again. */
        CompletionStage<Current> read() {
            return ((MergeRequestReads.VerdictData) data)
                    .read()
                    .thenApply(read -> new Current(mergeRequest, read, status));
        }
    }

    /** GitLab's HEAD is another commit (or none): the job's commit is no longer the one to judge. */
    record Moved(MergeRequest mergeRequest, StatusCheck check) implements Reading {}

    /** The merge request is closed, merged, or being merged: nothing is left to judge. */
    record Finished(String state) implements Reading {}

    /** The check is not one policy-gate may post to on this merge request; {@code reason} says what to fix. */
    record NotOurs(String reason) implements Reading {}

    /** GitLab could not be read. */
    record Unreadable(DataUnavailableException failure) implements Reading {}

    private final MergeRequestReads reads;
    private final WebhookUrls ourUrls;
    private final boolean triggerStandsIn;

    @Inject
    GitLabFacts(MergeRequestReads reads, WebhookUrls ourUrls, ServiceConfig service, GitLabConfig gitlab) {
        this.reads = reads;
        this.ourUrls = ourUrls;
        this.triggerStandsIn = service.dryRun() && gitlab.url().isEmpty();
    }

    /** False in a dry run without a GitLab, where the trigger stands in and nothing is read. */
    boolean readsGitLab() {
        return !triggerStandsIn;
    }

    /**
     * Reads the merge request (fresh: labels and title change without a push), then its status checks (every
     * page) and the project's full path (cached), one after the other, each only if the one before leaves
     * something to judge. Changes and commits are read later, only if a rule asks, for the job's commit
     * ({@link Current#read()}). Nothing here waits on a thread.
     */
    CompletionStage<Reading> read(Job job) {
        if (triggerStandsIn) {
            return CompletableFuture.completedFuture(
                    new Current(standIn(job.trigger()), MergeRequestData.NONE, Optional.empty()));
        }
        CheckKey key = job.key();
        return reads.mergeRequestLater(key.projectId(), key.mergeRequestIid())
                .thenCompose(mergeRequest -> mergeRequest.open()
                        ? reads.statusChecksLater(key.projectId(), key.mergeRequestIid())
                                .thenCompose(checks -> judged(job, mergeRequest, checks))
                        : CompletableFuture.completedFuture(new Finished(mergeRequest.state())))
                .exceptionally(failed -> {
                    if (Stages.cause(failed) instanceof DataUnavailableException unavailable) {
                        return new Unreadable(unavailable);
                    }
                    throw new CompletionException(Stages.cause(failed));
                });
    }

    /**
     * What a dry run without GitLab judges: the names the trigger kept (title, branches, the project's path and the
     * check's name), an open merge request without description, labels or draft flag.
     */
    private static MergeRequestFacts standIn(Trigger trigger) {
        Trigger.Names names = trigger.names();
        StatusCheck check = new StatusCheck(trigger.key().checkId(), names.checkName(), "", "pending");
        MergeRequest mergeRequest = new MergeRequest(
                trigger.key().mergeRequestIid(),
                names.title(),
                "",
                "opened",
                trigger.sha(),
                names.sourceBranch(),
                names.targetBranch(),
                false,
                false,
                List.of(),
                new MergeRequest.Author(0, names.triggeredBy()),
                "");
        return MergeRequestFacts.of(trigger.key().projectId(), names.projectPath(), mergeRequest, check);
    }

    private CompletionStage<Reading> judged(Job job, MergeRequest mergeRequest, List<StatusCheck> checks) {
        CheckKey key = job.key();
        Optional<StatusCheck> check =
                checks.stream().filter(c -> c.id() == key.checkId()).findFirst();
        if (check.isEmpty()) {
            return CompletableFuture.completedFuture(new NotOurs("status check " + key.checkId()
                    + " is not among the checks GitLab applies to this merge request (target branch "
                    + mergeRequest.targetBranch() + "). Fix: check the status check's id in the project's settings,"
                    + " and the protected branches it is limited to"));
        }
        if (!check.get().externalUrl().isEmpty()
                && !ourUrls.all().isEmpty()
                && !ourUrls.isOurs(check.get().externalUrl())) {
            return CompletableFuture.completedFuture(new NotOurs("status check " + key.checkId() + " ("
                    + check.get().name() + ") sends to " + check.get().externalUrl() + ", which is not policy-gate's ("
                    + ourUrls.all() + "): policy-gate posts only to its own checks. Fix: point the check at"
                    + " policy-gate, or add its address to policy-gate.webhook.urls"));
        }
        if (mergeRequest.sha() == null || !mergeRequest.sha().equalsIgnoreCase(job.sha())) {
            return CompletableFuture.completedFuture(new Moved(mergeRequest, check.get()));
        }
        return reads.projectPathLater(key.projectId())
                .thenApply(path -> new Current(
                        MergeRequestFacts.of(key.projectId(), path, mergeRequest, check.get()),
                        reads.forVerdict(key, job.sha(), mergeRequest.author().username()),
                        Optional.of(check.get().status())));
    }
}
