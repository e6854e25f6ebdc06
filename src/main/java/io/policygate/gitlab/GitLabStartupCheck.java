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
                        check();
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
        answer("/user", api::currentUser, Note.Author.class).ifPresent(user -> {
            if (user.status() == 200) {
                LOG.infof(
                        "GitLab %s: the token belongs to @%s",
                        config.url().get(),
                        user.body() == null ? "?" : user.body().username());
            } else {
                tokenProblem = "GitLab answered " + user.status() + " to GET /user: policy-gate.gitlab.token"
                        + " (POLICY_GATE_GITLAB_TOKEN) is invalid, expired or lacks the api scope";
                LOG.error(tokenProblem + "; every report will fail until it is fixed");
            }
        });
        if (config.statusMode() == StatusMode.AUTO) {
            String text = answer("/version", api::version, Version.class)
                    .filter(a -> a.status() == 200 && a.body() != null)
                    .map(a -> a.body().version())
                    .orElse("");
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

    /** A status and, for a 2xx, the body read as {@code type} (null otherwise). */
    private record Answer<T>(int status, T body) {}

    private <T> Optional<Answer<T>> answer(String what, Supplier<Response> call, Class<T> type) {
        try (Response response = call.get()) {
            String text = response.hasEntity() ? response.readEntity(String.class) : "";
            boolean ok = response.getStatus() / 100 == 2 && !text.isBlank();
            return Optional.of(new Answer<>(response.getStatus(), ok ? json.readValue(text, type) : null));
        } catch (Exception e) {
            LOG.warnf(
                    "GitLab %s could not be asked %s at start-up: %s",
                    config.url().get(), what, e.getMessage());
            return Optional.empty();
        }
    }
}
