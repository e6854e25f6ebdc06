package io.policygate.gitlab;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.policygate.config.GitLabConfig;
import io.policygate.config.ServiceConfig;
import io.policygate.config.StatusMode;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * At start-up, asks GitLab who the token belongs to (GET /user) and, for status-mode auto, which version it runs
 * (GET /version): a wrong token is reported at once rather than on the first webhook, and {@link StatusPosting}
 * learns the dialect of that GitLab. GitLab being unreachable does not stop the service (webhooks wait in the journal),
 * nor delay its start: the check runs beside it, and only what needs its answer waits for it.
 */
@ApplicationScoped
public class GitLabStartupCheck {

    private static final Logger LOG = Logger.getLogger(GitLabStartupCheck.class);

    private final GitLabConfig config;
    private final ServiceConfig service;
    private final GitLabApi api;
    private final ObjectMapper json;
    private final StatusPosting posting;
    private volatile String tokenProblem;
    private final CompletableFuture<Void> checked = new CompletableFuture<>();

    @Inject
    public GitLabStartupCheck(
            GitLabConfig config, ServiceConfig service, GitLabApi api, ObjectMapper json, StatusPosting posting) {
        this.config = config;
        this.service = service;
        this.api = api;
        this.json = json;
        this.posting = posting;
    }

    void onStart(@Observes @Priority(500) StartupEvent start) {
        if (service.dryRun() || config.url().isEmpty()) {
            posting.found(StatusMode.STANDARD);
            checked.complete(null);
            return;
        }
        Thread check = new Thread(
                () -> {
                    try {
                        GitLabPurpose.during(GitLabPurpose.HEALTH, this::check);
                    } finally {
                        // Whatever went wrong, auto falls back to the dialect of every GitLab since 15.0.
                        posting.found(StatusMode.STANDARD);
                        checked.complete(null);
                    }
                },
                "gitlab-startup-check");
        check.setDaemon(true);
        check.start();
    }

    private void check() {
        GitLabAnswer user = ask("GET /user", api::currentUser);
        if (user instanceof GitLabAnswer.Success success) {
            LOG.infof(
                    "GitLab %s: the token belongs to @%s",
                    config.url().get(),
                    read(success, Note.Author.class).map(Note.Author::username).orElse("?"));
        } else if (user instanceof GitLabAnswer.Refused refused) {
            tokenProblem = refused.answer() + ": policy-gate.gitlab.token (POLICY_GATE_GITLAB_TOKEN) is invalid,"
                    + " expired or lacks the api scope";
            LOG.error(tokenProblem + "; every report will fail until it is fixed");
        } else {
            // GitLab busy or unreachable says nothing about the token: reports wait for it in the journal.
            LOG.warnf("GitLab could not be asked at start-up: %s", ((GitLabAnswer.Transient) user).detail());
        }
        if (config.statusMode() == StatusMode.AUTO) {
            String text = ask("GET /version", api::version) instanceof GitLabAnswer.Success version
                    ? read(version, Version.class).map(Version::version).orElse("")
                    : "";
            Optional<StatusMode> mode = StatusPosting.forVersion(text);
            posting.found(mode.orElse(StatusMode.STANDARD));
            if (mode.isPresent()) {
                LOG.infof("GitLab %s: status-mode auto uses %s", text, mode.get());
            } else {
                LOG.warnf(
                        "status-mode auto: GitLab's version is unknown or has no status checks ('%s'); using %s",
                        text, StatusMode.STANDARD);
            }
        }
    }

    /** Why the token does not work, when GET /user said so at start-up (waiting for the check). */
    public Optional<String> tokenProblem() {
        checked.join();
        return Optional.ofNullable(tokenProblem);
    }

    /** GET /version (API::Entities::Version, of which only the version matters here). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    private record Version(String version) {
        Version {
            version = version == null ? "" : version;
        }
    }

    /** GitLab's answer, as {@link GitLabAnswer} classifies it. */
    private GitLabAnswer ask(String what, Supplier<Response> call) {
        try (Response response = call.get()) {
            return GitLabAnswer.of(
                    GitLabAnswer.Request.READ,
                    what,
                    response.getStatus(),
                    response.hasEntity() ? response.readEntity(String.class) : "",
                    null,
                    response.getHeaderString("Retry-After"),
                    Instant.now());
        } catch (RuntimeException e) {
            return GitLabAnswer.unanswered("request to GitLab " + config.url().get() + " (" + what + ")", e);
        }
    }

    private <T> Optional<T> read(GitLabAnswer.Success success, Class<T> type) {
        try {
            return Optional.ofNullable(json.readValue(success.body(), type));
        } catch (IOException e) {
            LOG.warnf("GitLab's answer is not what its API documents: %s", e.getMessage());
            return Optional.empty();
        }
    }
}
