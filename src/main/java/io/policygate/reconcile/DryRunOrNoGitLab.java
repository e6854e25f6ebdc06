package io.policygate.reconcile;

import io.policygate.config.GitLabConfig;
import io.policygate.config.ServiceConfig;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.ScheduledExecution;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/** A dry-run service, or one without a GitLab URL, has no GitLab to reconcile with. */
@Singleton
public class DryRunOrNoGitLab implements Scheduled.SkipPredicate {

    @Inject
    ServiceConfig service;

    @Inject
    GitLabConfig gitlab;

    @Override
    public boolean test(ScheduledExecution execution) {
        return applies();
    }

    /** True when there is no GitLab to reconcile with. */
    public boolean applies() {
        return service.dryRun() || gitlab.url().isEmpty();
    }
}
