package io.policygate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.policygate.gitlab.ReportOutcome;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code register}: creates or updates, by name, the external status check that points GitLab at
 * policy-gate, on one project or on every project of a group (GitLab has checks per project only).
 * Idempotent; {@code --dry-run} prints what would change. The token and the shared secret come from
 * environment variables, never from the command line. No run leaves a check unsigned: a check GitLab shows
 * without a secret ({@code hmac: false}) gets one, and a GitLab that ignores secrets (before 17.3) is refused.
 */
final class RegisterCommand {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private final PrintStream out;

    RegisterCommand(PrintStream out) {
        this.out = out;
    }

    /** Options as parsed from the command line. */
    private record Options(String gitlabUrl, String token, String project, String group, String url, String name,
            String secret, List<String> branches, boolean dryRun, boolean rotateSecret) {
    }

    /** GitLab takes a status check's shared_secret since 17.3; before, the API ignores it without a word. */
    private static final int[] SIGNED_CHECKS_SINCE = {17, 3};

    int run(List<String> args) {
        Options options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            out.println(e.getMessage());
            out.println("""
                    usage: register (--project ID | --group ID_OR_PATH) --url EXTERNAL_URL [--name NAME]
                                    [--protected-branch NAME]... [--rotate-secret] [--allow-insecure-url] [--dry-run]
                                    [--gitlab-url URL] [--token-env VAR] [--secret-env VAR]
                    GitLab URL and token default to POLICY_GATE_GITLAB_URL and POLICY_GATE_GITLAB_TOKEN;
                    the shared secret to POLICY_GATE_WEBHOOK_SECRET. Without --protected-branch the check
                    applies to every branch; --rotate-secret sets the secret on checks that have one too.""");
            return 2;
        }
        try {
            requireSignedChecks(options);
        } catch (GitLabError e) {
            out.println("FAILED: " + e.getMessage());
            return 1;
        }
        int created = 0;
        int updated = 0;
        int unchanged = 0;
        int failed = 0;
        try {
            for (JsonNode project : projects(options)) {
                String label = project.path("path_with_namespace").asText() + " (" + project.path("id").asLong() + ")";
                Change change;
                try {
                    change = register(options, project.path("id").asLong());
                } catch (GitLabError e) {
                    failed++;
                    out.println(label + ": FAILED: " + e.getMessage());
                    continue;
                }
                switch (change.kind()) {
                    case "created" -> created++;
                    case "updated" -> updated++;
                    default -> unchanged++;
                }
                out.println(label + ": " + change.description());
            }
        } catch (GitLabError e) {
            out.println("FAILED: " + e.getMessage());
            return 1;
        }
        out.printf("%s%d created, %d updated, %d unchanged, %d failed%n", options.dryRun() ? "dry run: " : "", created,
                updated, unchanged, failed);
        return failed == 0 ? 0 : 1;
    }

    /** What register did (or would do) to one project: created, updated or unchanged, in words. */
    private record Change(String kind, String description) {
    }

    /** Refuses a GitLab that would create checks without their secret: they would all be answered 401. */
    private void requireSignedChecks(Options options) throws GitLabError {
        String version = get(options, "/version").body().path("version").asText("");
        Matcher number = Pattern.compile("^(\\d+)\\.(\\d+)").matcher(version);
        if (!number.find()) {
            throw new GitLabError("GitLab's version is unknown ('" + version + "'): register needs GitLab 17.3 or later");
        }
        int major = Integer.parseInt(number.group(1));
        int minor = Integer.parseInt(number.group(2));
        if (major < SIGNED_CHECKS_SINCE[0] || (major == SIGNED_CHECKS_SINCE[0] && minor < SIGNED_CHECKS_SINCE[1])) {
            throw new GitLabError("GitLab " + version + " ignores a status check's shared_secret (it is taken since"
                    + " 17.3): its checks would call policy-gate unsigned, and policy-gate refuses unsigned webhooks (401)."
                    + " Nothing was changed. Upgrade GitLab, or send merge request events to policy-gate through a"
                    + " project webhook with a secret token (X-Gitlab-Token) and policy-gate.gitlab.default-check-id");
        }
    }

    private Change register(Options options, long projectId) throws GitLabError {
        List<Long> branchIds = new ArrayList<>();
        if (!options.branches().isEmpty()) {
            Map<String, Long> protectedBranches = new TreeMap<>();
            for (JsonNode branch : getAll(options, "/projects/" + projectId + "/protected_branches")) {
                protectedBranches.put(branch.path("name").asText(), branch.path("id").asLong());
            }
            for (String name : options.branches()) {
                Long id = protectedBranches.get(name);
                if (id == null) {
                    throw new GitLabError("branch '" + name + "' is not protected in this project");
                }
                branchIds.add(id);
            }
        }
        Optional<JsonNode> existing = getAll(options, "/projects/" + projectId + "/external_status_checks").stream()
                .filter(check -> options.name().equals(check.path("name").asText())).findFirst();
        ObjectNode body = JSON.createObjectNode().put("name", options.name()).put("external_url", options.url())
                .put("shared_secret", options.secret());
        // Always sent, empty for every branch: leaving it out would keep branches a previous run set.
        branchIds.forEach(body.putArray("protected_branch_ids")::add);
        if (existing.isEmpty()) {
            if (!options.dryRun()) {
                send(options, "POST", "/projects/" + projectId + "/external_status_checks", body);
            }
            return new Change("created", (options.dryRun() ? "would create" : "created") + " check '" + options.name()
                    + "' -> " + options.url());
        }
        JsonNode check = existing.get();
        Set<Long> currentBranches = new TreeSet<>();
        check.path("protected_branches").forEach(b -> currentBranches.add(b.path("id").asLong()));
        List<String> changes = new ArrayList<>();
        if (!check.path("external_url").asText().equals(options.url())) {
            changes.add(check.path("external_url").asText() + " -> " + options.url());
        }
        if (!currentBranches.equals(new TreeSet<>(branchIds))) {
            changes.add("protected branches " + (currentBranches.isEmpty() ? "all" : currentBranches) + " -> "
                    + (branchIds.isEmpty() ? "all" : branchIds));
        }
        // GitLab never shows the secret, only whether there is one (hmac).
        if (!check.path("hmac").asBoolean(false)) {
            changes.add("secret set (the check had none: GitLab sent its webhooks unsigned)");
        } else if (options.rotateSecret()) {
            changes.add("secret replaced");
        }
        if (changes.isEmpty()) {
            return new Change("unchanged", "check '" + options.name() + "' (" + check.path("id").asLong()
                    + ") already up to date");
        }
        if (!options.dryRun()) {
            send(options, "PUT", "/projects/" + projectId + "/external_status_checks/" + check.path("id").asLong(), body);
        }
        return new Change("updated", (options.dryRun() ? "would update" : "updated") + " check '" + options.name()
                + "' (" + check.path("id").asLong() + "): " + String.join("; ", changes));
    }

    private List<JsonNode> projects(Options options) throws GitLabError {
        if (options.project() != null) {
            return List.of(get(options, "/projects/" + encode(options.project())).body());
        }
        return getAll(options, "/groups/" + encode(options.group()) + "/projects?include_subgroups=true&archived=false");
    }

    private record Page(JsonNode body, String nextPage) {
    }

    private List<JsonNode> getAll(Options options, String path) throws GitLabError {
        List<JsonNode> all = new ArrayList<>();
        String page = "1";
        while (page != null && !page.isBlank()) {
            Page result = get(options, path + (path.contains("?") ? "&" : "?") + "per_page=100&page=" + page);
            result.body().forEach(all::add);
            page = result.nextPage();
        }
        return all;
    }

    private Page get(Options options, String path) throws GitLabError {
        HttpResponse<String> response = call(options, HttpRequest.newBuilder(uri(options, path)).GET(), path);
        return new Page(read(response.body()), response.headers().firstValue("X-Next-Page").orElse(null));
    }

    private void send(Options options, String method, String path, JsonNode body) throws GitLabError {
        call(options, HttpRequest.newBuilder(uri(options, path)).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body.toString())), method + " " + path);
    }

    private HttpResponse<String> call(Options options, HttpRequest.Builder request, String what) throws GitLabError {
        try {
            HttpResponse<String> response = HTTP.send(request.header("PRIVATE-TOKEN", options.token())
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                String hint = ReportOutcome.transientStatus(response.statusCode())
                        ? ": GitLab is busy or failing; run register again (it changes only what differs)"
                        : switch (response.statusCode()) {
                            case 401 -> ": the token is invalid or lacks the api scope";
                            case 403 -> ": the token's user needs the Maintainer role to manage status checks";
                            case 404 -> ": not found, or not visible to the token's user";
                            default -> "";
                        };
                throw new GitLabError("GitLab answered " + response.statusCode() + " to " + what + hint);
            }
            return response;
        } catch (IOException e) {
            throw new GitLabError("GitLab could not be reached: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GitLabError("interrupted");
        }
    }

    private static JsonNode read(String body) throws GitLabError {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new GitLabError("GitLab's answer is not JSON");
        }
    }

    private static URI uri(Options options, String path) {
        return URI.create(options.gitlabUrl().replaceAll("/+$", "") + "/api/v4" + path);
    }

    private static String encode(String idOrPath) {
        return URLEncoder.encode(idOrPath, StandardCharsets.UTF_8);
    }

    private static Options parse(List<String> args) {
        CommandOptions given = CommandOptions.parse(args, Set.of("--project", "--group", "--url", "--name",
                "--gitlab-url", "--token-env", "--secret-env"), Set.of("--protected-branch"),
                Set.of("--dry-run", "--rotate-secret", "--allow-insecure-url"));
        if ((given.get("--project") == null) == (given.get("--group") == null)) {
            throw new IllegalArgumentException("give exactly one of --project and --group");
        }
        if (given.get("--url") == null || !given.get("--url").matches("https?://.+")) {
            throw new IllegalArgumentException("--url must be policy-gate's webhook URL, e.g. https://policy-gate.example.com/webhooks/gitlab");
        }
        if (given.get("--url").startsWith("http://") && !given.has("--allow-insecure-url")) {
            throw new IllegalArgumentException("--url is http://: GitLab would send every merge request and its signature"
                    + " in clear text. Use https://, or add --allow-insecure-url for a network you trust");
        }
        String gitlabUrl = given.get("--gitlab-url", System.getenv("POLICY_GATE_GITLAB_URL"));
        if (gitlabUrl == null || gitlabUrl.isBlank()) {
            throw new IllegalArgumentException("set POLICY_GATE_GITLAB_URL or --gitlab-url");
        }
        return new Options(gitlabUrl, CommandOptions.fromEnv(given.get("--token-env", "POLICY_GATE_GITLAB_TOKEN")),
                given.get("--project"), given.get("--group"), given.get("--url"), given.get("--name", "policy-gate"),
                CommandOptions.fromEnv(given.get("--secret-env", "POLICY_GATE_WEBHOOK_SECRET")),
                given.all("--protected-branch"), given.has("--dry-run"), given.has("--rotate-secret"));
    }

    /** GitLab refused or could not be reached; the message says what to do. */
    private static final class GitLabError extends Exception {
        GitLabError(String message) {
            super(message);
        }
    }
}
