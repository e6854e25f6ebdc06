package io.policygate.web;

import io.policygate.config.GitLabConfig;
import io.policygate.config.ServiceConfig;
import io.policygate.policysource.PolicyPinning;
import io.quarkus.runtime.LaunchMode;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

/**
 * What every page says at its top when what it shows is not production's: dev mode, or a dry run (nothing is
 * posted to GitLab), without GitLab at all (the webhook's names stand in for GitLab's answers), or policies an
 * operator pinned to a commit. In the pages as {@code {inject:banner.text}}; null when there is nothing to say.
 */
@ApplicationScoped
@Named("banner")
public class PageBanner {

    private final String text;
    private final PolicyPinning pinning;

    @Inject
    public PageBanner(ServiceConfig service, GitLabConfig gitlab, PolicyPinning pinning) {
        this(
                LaunchMode.current() == LaunchMode.DEVELOPMENT,
                service.dryRun(),
                gitlab.url().isEmpty(),
                pinning);
    }

    PageBanner(boolean devMode, boolean dryRun, boolean withoutGitLab, PolicyPinning pinning) {
        this.pinning = pinning;
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
        String pinned = pinning == null
                ? null
                : pinning.current()
                        .map(pin -> "Policies pinned at commit " + pin.commit() + " by " + pin.by() + " since "
                                + pin.at() + ": " + pin.reason() + ". They do not follow the repository until the pin"
                                + " is removed (DELETE /api/v1/policies/pin).")
                        .orElse(null);
        if (pinned == null) {
            return text;
        }
        return text == null ? pinned : text + " " + pinned;
    }
}
