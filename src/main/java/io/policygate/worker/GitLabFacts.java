package io.policygate.worker;

import io.policygate.async.Stages;
import io.policygate.config.GitLabConfig;
import io.policygate.config.ServiceConfig;
import io.policygate.event.CheckKey;
import io.policygate.event.Trigger;
import io.policygate.gitlab.ExternalStatusCheck;
import io.policygate.gitlab.MergeRequest;
import io.policygate.gitlab.MergeRequestFacts;
import io.policygate.gitlab.MergeRequestReads;
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
     * {@code fromGitLab} is false when the trigger stood in for GitLab (a dry run without one).
     */
    record Current(MergeRequestContext mergeRequest, MergeRequestData data, boolean fromGitLab) implements Reading {

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
                    .thenApply(read -> new Current(mergeRequest, read, fromGitLab));
        }
    }

    /** GitLab's HEAD is another commit (or none): the job's commit is no longer the one to judge. */
    record Moved(MergeRequest mergeRequest, ExternalStatusCheck check) implements Reading {}

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
     * Reads the merge request (fresh: labels and title change without a push), then, if it is open, checks the job's
     * status check against the project's checks (cached for policy-gate.gitlab.check-settings-for). The project's
     * path is the merge request's own {@code references.full}. Changes and commits are read later, only if a rule
     * asks, for the job's commit ({@link Current#read()}). One call to GitLab for a merge request whose checks are
     * cached; nothing here waits on a thread.
     */
    CompletionStage<Reading> read(Job job) {
        if (triggerStandsIn) {
            return CompletableFuture.completedFuture(new Current(standIn(job.trigger()), MergeRequestData.NONE, false));
        }
        CheckKey key = job.key();
        return reads.mergeRequestLater(key.projectId(), key.mergeRequestIid())
                .thenCompose(mergeRequest -> mergeRequest.open()
                        ? judged(job, mergeRequest)
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
        MergeRequest mergeRequest = new MergeRequest(
                trigger.key().projectId(),
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
                "",
                null,
                null);
        return MergeRequestFacts.of(
                trigger.key().projectId(),
                names.projectPath(),
                mergeRequest,
                trigger.key().checkId(),
                names.checkName());
    }

    /**
     * The job's check as the project lists it, when it is policy-gate's and applies to the merge request's target
     * branch. What the cache holds decides only for a check it shows as policy-gate's: a refusal is made on a list
     * read again from GitLab, so that a check created, re-pointed or re-scoped a moment ago is seen.
     */
    private CompletionStage<Reading> judged(Job job, MergeRequest mergeRequest) {
        long projectId = job.key().projectId();
        return projectPath(projectId, mergeRequest)
                .thenCompose(path -> reads.projectChecksLater(projectId, false).thenCompose(cached -> {
                    Reading reading = judged(job, mergeRequest, path, cached);
                    return reading instanceof NotOurs
                            ? reads.projectChecksLater(projectId, true)
                                    .thenApply(fresh -> judged(job, mergeRequest, path, fresh))
                            : CompletableFuture.completedFuture(reading);
                }));
    }

    /** The merge request's {@code references.full} names its project; from a GitLab that sends none, it is read. */
    private CompletionStage<String> projectPath(long projectId, MergeRequest mergeRequest) {
        return mergeRequest
                .projectPath()
                .<CompletionStage<String>>map(CompletableFuture::completedFuture)
                .orElseGet(() -> reads.projectPathLater(projectId));
    }

    private Reading judged(Job job, MergeRequest mergeRequest, String projectPath, List<ExternalStatusCheck> checks) {
        CheckKey key = job.key();
        Optional<ExternalStatusCheck> check =
                checks.stream().filter(c -> c.id() == key.checkId()).findFirst();
        if (check.isEmpty() || !check.get().appliesTo(mergeRequest.targetBranch())) {
            return new NotOurs("status check " + key.checkId()
                    + " is not among the checks GitLab applies to this merge request (target branch "
                    + mergeRequest.targetBranch() + "). Fix: check the status check's id in the project's settings,"
                    + " and the protected branches it is limited to");
        }
        if (!ourUrls.all().isEmpty() && !ourUrls.isOurs(check.get().externalUrl())) {
            return new NotOurs(
                    "status check " + key.checkId() + " (" + check.get().name() + ") sends to "
                            + withoutQuery(check.get().externalUrl()) + ", which is not policy-gate's (" + ourUrls.all()
                            + "): policy-gate posts only to its own checks. Fix: point the check at policy-gate, or add its"
                            + " address to policy-gate.webhook.urls");
        }
        if (mergeRequest.sha() == null || !mergeRequest.sha().equalsIgnoreCase(job.sha())) {
            return new Moved(mergeRequest, check.get());
        }
        return new Current(
                MergeRequestFacts.of(
                        key.projectId(),
                        projectPath,
                        mergeRequest,
                        check.get().id(),
                        check.get().name()),
                reads.forVerdict(key, mergeRequest),
                true);
    }

    /** A check's address without its query, which may hold a token: how it is shown in a refusal. */
    private static String withoutQuery(String url) {
        int query = url.indexOf('?');
        return query < 0 ? url : url.substring(0, query);
    }
}
