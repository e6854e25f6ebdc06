package io.policygate.gitlab;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.policygate.config.GitLabConfig;
import io.policygate.event.CheckKey;
import io.policygate.policy.Change;
import io.policygate.policy.Commit;
import io.policygate.policy.DataUnavailableException;
import io.policygate.policy.MergeRequestData;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Reads what rules need beyond the payload (changes, commits, author) from GitLab: paginated, retried
 * on transient failures, and cached per SHA so that re-evaluations of a commit read nothing again.
 */
@ApplicationScoped
public class MergeRequestReads {

    private static final int PER_PAGE = 100;
    /** 100 pages of 100: more than GitLab itself shows for one merge request. */
    private static final int MAX_PAGES = 100;
    private static final int ATTEMPTS = 3;
    private static final Duration FIRST_RETRY = Duration.ofMillis(200);

    private final GitLabConfig config;
    private final GitLabApi api;
    private final ObjectMapper json;
    private final GitLabCallMetrics calls;
    private final Cache<String, Object> cache = Caffeine.newBuilder()
            .maximumSize(2_000)
            .expireAfterWrite(Duration.ofMinutes(30))
            .build();

    @Inject
    public MergeRequestReads(GitLabConfig config, GitLabApi api, ObjectMapper json, GitLabCallMetrics calls) {
        this.config = config;
        this.api = api;
        this.json = json;
        this.calls = calls;
    }

    /** The data of one merge request at one SHA; nothing is read until a rule asks. */
    public MergeRequestData of(CheckKey key, String sha) {
        String prefix = key.projectId() + "!" + key.mergeRequestIid() + "@" + sha + "/";
        return new MergeRequestData() {
            @Override
            public List<Change> changes() {
                return cached(prefix + "changes", () -> readAllPages("changes",
                        page -> api.diffs(key.projectId(), key.mergeRequestIid(), page, PER_PAGE, token()),
                        MergeRequestReads::change));
            }

            @Override
            public List<Commit> commits() {
                return cached(prefix + "commits", () -> readAllPages("commits",
                        page -> api.commits(key.projectId(), key.mergeRequestIid(), page, PER_PAGE, token()),
                        MergeRequestReads::commit));
            }

            @Override
            public String authorUsername() {
                return cached(prefix + "author", () -> read("author",
                        () -> api.mergeRequest(key.projectId(), key.mergeRequestIid(), token()))
                        .body().path("author").path("username").asText(""));
            }
        };
    }

    /**
     * The open merge requests of a project, all pages (GET /projects/:id/merge_requests?state=opened).
     *
     * @throws DataUnavailableException when GitLab cannot be read
     */
    public List<JsonNode> openMergeRequests(long projectId) {
        return readAllPages("open merge requests",
                page -> api.openMergeRequests(projectId, "opened", page, PER_PAGE, token()), node -> node);
    }

    /**
     * A project by id or full path: {id, path_with_namespace, ...}.
     *
     * @throws GitLabRefusal when the token's user cannot see it or it does not exist
     */
    public JsonNode project(String idOrPath) {
        return read("project", () -> api.project(encoded(idOrPath), token())).body();
    }

    /**
     * The projects of a group and its subgroups, archived ones left out, all pages.
     *
     * @throws GitLabRefusal when the token's user cannot see the group or it does not exist
     */
    public List<JsonNode> groupProjects(String group) {
        return readAllPages("group projects",
                page -> api.groupProjects(encoded(group), true, false, page, PER_PAGE, token()), node -> node);
    }

    private static String encoded(String idOrPath) {
        return URLEncoder.encode(idOrPath, StandardCharsets.UTF_8);
    }

    /** The status checks of a merge request at its current HEAD: [{id, name, external_url, status}]. */
    public List<JsonNode> statusChecks(long projectId, long mergeRequestIid) {
        JsonNode body = read("status checks", () -> api.statusChecks(projectId, mergeRequestIid, token())).body();
        List<JsonNode> checks = new ArrayList<>();
        body.forEach(checks::add);
        return checks;
    }

    @SuppressWarnings("unchecked")
    private <T> T cached(String key, Supplier<T> read) {
        // Failures are not cached: the next evaluation tries GitLab again.
        return (T) cache.get(key, k -> read.get());
    }

    private <T> List<T> readAllPages(String what, Function<Integer, Response> call, Function<JsonNode, T> item) {
        List<T> all = new ArrayList<>();
        int page = 1;
        for (int pages = 0; pages < MAX_PAGES; pages++) {
            int current = page;
            Page result = read(what, () -> call.apply(current));
            if (!result.body().isArray()) {
                throw new DataUnavailableException("GitLab's " + what + " answer is not a list");
            }
            result.body().forEach(node -> all.add(item.apply(node)));
            if (result.nextPage() == null) {
                return List.copyOf(all);
            }
            page = result.nextPage();
        }
        throw new DataUnavailableException("GitLab lists more " + what + " than policy-gate reads ("
                + MAX_PAGES + " pages of " + PER_PAGE + ")");
    }

    private record Page(JsonNode body, Integer nextPage) {
    }

    private Page read(String what, Supplier<Response> call) {
        if (config.url().isEmpty()) {
            throw new DataUnavailableException("policy-gate.gitlab.url is not set, so the merge request's " + what
                    + " cannot be read");
        }
        String failure = null;
        Duration wait = FIRST_RETRY;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            if (attempt > 1) {
                sleep(wait);
                wait = wait.multipliedBy(2);
            }
            try (Response response = call.get()) {
                String text = response.hasEntity() ? response.readEntity(String.class) : "";
                int status = response.getStatus();
                calls.count(what.replace(' ', '_'), status);
                if (status >= 200 && status < 300) {
                    String next = response.getHeaderString("X-Next-Page");
                    return new Page(json.readTree(text), next == null || next.isBlank() ? null : Integer.valueOf(next));
                }
                failure = "GitLab answered " + status + " to the " + what + " read";
                if (status != 429 && status < 500) {
                    throw new GitLabRefusal(status, failure + " (1 attempt)");
                }
            } catch (GitLabRefusal e) {
                throw e;
            } catch (JsonProcessingException | NumberFormatException e) {
                throw new DataUnavailableException("GitLab's " + what + " answer cannot be read: " + e.getMessage(), e);
            } catch (RuntimeException e) {
                calls.count(what.replace(' ', '_'), null);
                failure = ReportOutcome.fromFailure(e).detail();
            }
        }
        throw new DataUnavailableException(failure + " (" + ATTEMPTS + " attempts)");
    }

    private static Change change(JsonNode node) {
        return new Change(node.path("new_path").asText(), node.path("old_path").asText(),
                node.path("new_file").asBoolean(), node.path("deleted_file").asBoolean(),
                node.path("renamed_file").asBoolean(), node.path("diff").asText(""));
    }

    private static Commit commit(JsonNode node) {
        return new Commit(node.path("id").asText(), node.path("title").asText(), node.path("message").asText(),
                node.path("author_name").asText(), node.path("author_email").asText());
    }

    private String token() {
        return config.token().orElse("");
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DataUnavailableException("interrupted while waiting to read GitLab again");
        }
    }
}
