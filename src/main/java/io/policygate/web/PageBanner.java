package io.policygate.web;

import io.policygate.config.GitLabConfig;
import io.policygate.config.ServiceConfig;
import io.quarkus.runtime.LaunchMode;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

/**
 * What every page says at its top when what it shows is not production's: dev mode, or a dry run (nothing is
 * posted to GitLab), without GitLab at all (the webhook's names stand in for GitLab's answers). In the pages as
 * {@code {inject:banner.text}}; null when there is nothing to say.
 */
@ApplicationScoped
@Named("banner")
public class PageBanner {

    private final String text;

    @Inject
    public PageBanner(ServiceConfig service, GitLabConfig gitlab) {
        this(
                LaunchMode.current() == LaunchMode.DEVELOPMENT,
                service.dryRun(),
                gitlab.url().isEmpty());
    }

    PageBanner(boolean devMode, boolean dryRun, boolean withoutGitLab) {
        StringBuilder says = new StringBuilder();
        if (devMode) {
            says.append("Dev mode (./mvnw quarkus:dev): a journal of its own in ./data/dev, pages open to anyone. ");
        }
        if (dryRun) {
            says.append(
                    withoutGitLab
                            ? "Dry run without GitLab: verdicts judge the names each webhook gave, and nothing is posted."
                            : "Dry run: verdicts are computed from GitLab's facts, and nothing is posted to GitLab.");
        }
        this.text = says.isEmpty() ? null : says.toString().strip();
    }

    public String text() {
        return text;
    }
}
