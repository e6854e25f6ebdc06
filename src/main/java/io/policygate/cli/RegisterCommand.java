package io.policygate.cli;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.policygate.gitlab.ExternalStatusCheck;
import io.policygate.gitlab.ExternalStatusCheck.ProtectedBranch;
import io.policygate.gitlab.GitLabAnswer;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code register}: creates or updates, by name, the external status check that points GitLab at
 * policy-gate, on one project or on every project of a group (GitLab has checks per project only).
 * Idempotent; {@code --dry-run} prints what would change and the open merge requests that would be evaluated. The
 * tokens and the shared secret come from environment variables, never from the command line. No run leaves a
 * check unsigned: a check GitLab shows without a secret ({@code hmac: false}) gets one, and a GitLab that ignores
 * secrets (before 17.3) is refused. GitLab sends a check's payload only for merge requests that change after the
 * check exists, so register hands the checks to policy-gate ({@code POST /api/v1/registered-checks}), which
 * evaluates the open merge requests through its journal.
 */
@Command(
        name = "register",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Creates or updates, by name, the external status check that calls policy-gate on one project"
                    + " or on every project of a group, then has policy-gate evaluate their open merge requests (GitLab"
                    + " sends a new check's payload only when a merge request changes). Changes only what differs.",
            "Exit 0 when every project is registered, 1 when any failed (the reason is printed per project), 2 on a"
                    + " usage error."
        },
        footer = {
            "",
            "The GitLab token (Maintainer role) and the shared secret are read from the environment variables"
                    + " --token-env and --secret-env name; policy-gate's API token from --api-token-env."
        })
final class RegisterCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Where policy-gate takes GitLab's webhooks, under its own address. */
    private static final String WEBHOOK_PATH = "/webhooks/gitlab";

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    /** GitLab takes a status check's shared_secret since 17.3; before, the API ignores it without a word. */
    private static final int[] SIGNED_CHECKS_SINCE = {17, 3};

    private final PrintStream out;

    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Scope scope;

    @Option(
            names = "--url",
            paramLabel = "EXTERNAL_URL",
            description = "policy-gate's webhook URL as GitLab calls it,"
                    + " e.g. https://policy-gate.example.com/webhooks/gitlab")
    String url;

    @Option(
            names = "--name",
            paramLabel = "NAME",
            defaultValue = "policy-gate",
            description = "the status check's name (default: ${DEFAULT-VALUE})")
    String name;

    @Option(
            names = "--protected-branch",
            paramLabel = "NAME",
            description = "a protected branch the check applies to"
                    + " (repeatable); none: every branch, and a limit set before is removed")
    List<String> branches = new ArrayList<>();

    @Option(names = "--rotate-secret", description = "set the secret on checks that have one too")
    boolean rotateSecret;

    @Option(
            names = "--allow-insecure-url",
            description = "accept an http:// --url (GitLab would send every merge"
                    + " request and its signature in clear text)")
    boolean allowInsecureUrl;

    @Option(
            names = "--require-status-checks",
            description = "also turn on \"Status checks must succeed\" (only_allow_merge_if_all_status_checks_passed,"
                    + " GitLab Ultimate), so that a merge request cannot merge while policy-gate's check fails")
    boolean requireStatusChecks;

    @Option(
            names = "--dry-run",
            description =
                    "change nothing; print what would change and the open merge requests" + " that would be evaluated")
    boolean dryRun;

    @Option(
            names = "--gitlab-url",
            paramLabel = "URL",
            defaultValue = "${env:POLICY_GATE_GITLAB_URL}",
            description = "GitLab's address (default: the environment variable POLICY_GATE_GITLAB_URL)")
    String gitlabUrl;

    @Option(
            names = "--token-env",
            paramLabel = "VAR",
            defaultValue = "POLICY_GATE_GITLAB_TOKEN",
            description = "the environment variable holding the GitLab token (default: ${DEFAULT-VALUE})")
    String tokenEnv;

    @Option(
            names = "--secret-env",
            paramLabel = "VAR",
            defaultValue = "POLICY_GATE_WEBHOOK_SECRET",
            description = "the environment variable holding the shared secret (default: ${DEFAULT-VALUE})")
    String secretEnv;

    @Option(
            names = "--policy-gate-url",
            paramLabel = "URL",
            defaultValue = "${env:POLICY_GATE_URL}",
            description = "policy-gate's address, where its API is (default: the environment variable POLICY_GATE_URL,"
                    + " else --url without its /webhooks/gitlab)")
    String policyGateUrl;

    @Option(
            names = "--api-token-env",
            paramLabel = "VAR",
            defaultValue = "POLICY_GATE_API_TOKEN",
            description = "the environment variable holding policy-gate's API token (default: ${DEFAULT-VALUE})")
    String apiTokenEnv;

    /** One project, or every project of a group. */
    static final class Scope {
        @Option(names = "--project", required = true, paramLabel = "ID_OR_PATH", description = "one project")
        String project;

        @Option(
                names = "--group",
                required = true,
                paramLabel = "ID_OR_PATH",
                description = "every project of a group, subgroups included")
        String group;

        @Option(
                names = "--policy-repository",
                required = true,
                paramLabel = "ID_OR_PATH",
                description = "the repository policy-gate reads its policies from (policy-gate.policies.repository):"
                        + " its merge requests are reviewed as policy changes (files, tests, impact preview)")
        String policyRepository;
    }

    private String token;

    RegisterCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() {
        validate();
        token = PolicyGateMain.fromEnv(spec, tokenEnv);
        String secret = PolicyGateMain.fromEnv(spec, secretEnv);
        String apiToken = dryRun ? null : PolicyGateMain.fromEnv(spec, apiTokenEnv);
        try {
            requireSignedChecks();
        } catch (GitLabError e) {
            out.println("FAILED: " + e.getMessage());
            return 1;
        }
        int created = 0;
        int updated = 0;
        int unchanged = 0;
        int failed = 0;
        Map<Long, Long> registered = new TreeMap<>();
        try {
            for (Project project : projects()) {
                long projectId = project.id();
                String label = project.path() + " (" + projectId + ")";
                Change change;
                List<OpenMergeRequest> open;
                try {
                    change = register(projectId, secret);
                    open = openMergeRequests(projectId);
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
                if (requireStatusChecks) {
                    try {
                        out.println(label + ": " + requireStatusChecks(project));
                    } catch (GitLabError e) {
                        failed++;
                        out.println(label + ": FAILED: " + e.getMessage());
                    }
                }
                change.checkId().ifPresent(id -> registered.put(projectId, id));
                printOpen(open);
            }
        } catch (GitLabError e) {
            out.println("FAILED: " + e.getMessage());
            return 1;
        }
        if (!dryRun && !registered.isEmpty()) {
            try {
                handOver(registered, apiToken);
            } catch (GitLabError e) {
                out.println("FAILED: " + e.getMessage());
                failed++;
            }
        }
        out.printf(
                "%s%d created, %d updated, %d unchanged, %d failed%n",
                dryRun ? "dry run: " : "", created, updated, unchanged, failed);
        return failed == 0 ? 0 : 1;
    }

    private void validate() {
        if (url == null || !url.matches("https?://.+")) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--url must be policy-gate's webhook URL, e.g."
                            + " https://policy-gate.example.com/webhooks/gitlab");
        }
        if (url.startsWith("http://") && !allowInsecureUrl) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--url is http://: GitLab would send every merge request"
                            + " and its signature in clear text. Use https://, or add --allow-insecure-url for a network you"
                            + " trust");
        }
        if (gitlabUrl == null || gitlabUrl.isBlank()) {
            throw new ParameterException(spec.commandLine(), "set POLICY_GATE_GITLAB_URL or --gitlab-url");
        }
        if (policyGateUrl == null || policyGateUrl.isBlank()) {
            policyGateUrl = serviceAddress(url);
        }
        if (!dryRun && (policyGateUrl == null || !policyGateUrl.matches("https?://.+"))) {
            throw new ParameterException(
                    spec.commandLine(),
                    "set POLICY_GATE_URL or --policy-gate-url to policy-gate's"
                            + " address: register has it evaluate the open merge requests, which GitLab would not send"
                            + " (it is taken from --url only when that ends in " + WEBHOOK_PATH + ")");
        }
    }

    /** The open merge requests of the project that the check applies to (its target branch is one of them). */
    /**
     * policy-gate's own address when {@code webhookUrl} is its webhook endpoint (…/webhooks/gitlab, any query left
     * out): one service, one address to give; null when the webhook goes through a path of a proxy's own.
     */
    static String serviceAddress(String webhookUrl) {
        if (webhookUrl == null) {
            return null;
        }
        String path = webhookUrl.replaceAll("[?#].*$", "").replaceAll("/+$", "");
        return path.endsWith(WEBHOOK_PATH) ? path.substring(0, path.length() - WEBHOOK_PATH.length()) : null;
    }

    private List<OpenMergeRequest> openMergeRequests(long projectId) throws GitLabError {
        return getAll("/projects/" + projectId + "/merge_requests?state=opened", OpenMergeRequest.class).stream()
                .filter(mr -> branches.isEmpty() || branches.contains(mr.targetBranch()))
                .toList();
    }

    private void printOpen(List<OpenMergeRequest> open) {
        if (dryRun) {
            open.forEach(mr -> out.println("  would evaluate !" + mr.iid() + " " + mr.title() + " at " + mr.sha()));
        } else if (!open.isEmpty()) {
            out.println("  " + open.size() + " open merge request(s) to evaluate");
        }
    }

    /** Gives policy-gate the checks, which records them and evaluates their projects' open merge requests. */
    private void handOver(Map<Long, Long> registered, String apiToken) throws GitLabError {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode checks = body.putArray("checks");
        registered.forEach(
                (project, check) -> checks.addObject().put("projectId", project).put("checkId", check));
        String path = "/api/v1/registered-checks";
        String where = policyGateUrl.replaceAll("/+$", "") + path;
        try {
            HttpResponse<String> response =
                    PolicyGateApi.post(policyGateUrl, path, apiToken, body, Duration.ofSeconds(30));
            if (response.statusCode() != 202) {
                throw new GitLabError("policy-gate answered " + response.statusCode() + " to POST " + where + ": "
                        + problemDetail(response.body())
                        + "; the checks are registered, run register again to have the open merge requests evaluated");
            }
        } catch (IOException e) {
            throw new GitLabError("policy-gate at " + policyGateUrl + " could not be reached (" + e.getMessage()
                    + "); the checks are registered, run register again to have the open merge requests evaluated");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GitLabError("interrupted");
        }
        out.println("policy-gate evaluates the open merge requests of " + registered.size() + " project(s), paced as"
                + " its reconciliation (policy-gate.reconcile.requests-per-second)");
    }

    /** The detail of policy-gate's problem+json answer, or the answer as it came. */
    private static String problemDetail(String body) {
        try {
            return JSON.readTree(body).path("detail").asText(body);
        } catch (IOException e) {
            return body;
        }
    }

    /**
     * What register did (or would do) to one project: created, updated or unchanged, in words, and the check's id
     * (none for a check a dry run would create).
     */
    private record Change(String kind, String description, Optional<Long> checkId) {}

    /** Refuses a GitLab that would create checks without their secret: they would all be answered 401. */
    private void requireSignedChecks() throws GitLabError {
        String version = getOne("/version", Version.class).version();
        Matcher number = Pattern.compile("^(\\d+)\\.(\\d+)").matcher(version);
        if (!number.find()) {
            throw new GitLabError(
                    "GitLab's version is unknown ('" + version + "'): register needs GitLab 17.3 or later");
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

    private Change register(long projectId, String secret) throws GitLabError {
        List<Long> branchIds = new ArrayList<>();
        if (!branches.isEmpty()) {
            Map<String, Long> protectedBranches = new TreeMap<>();
            for (ProtectedBranch branch :
                    getAll("/projects/" + projectId + "/protected_branches", ProtectedBranch.class)) {
                protectedBranches.put(branch.name(), branch.id());
            }
            for (String branch : branches) {
                Long id = protectedBranches.get(branch);
                if (id == null) {
                    throw new GitLabError("branch '" + branch + "' is not protected in this project");
                }
                branchIds.add(id);
            }
        }
        Optional<ExternalStatusCheck> existing =
                getAll("/projects/" + projectId + "/external_status_checks", ExternalStatusCheck.class).stream()
                        .filter(check -> name.equals(check.name()))
                        .findFirst();
        ObjectNode body = JSON.createObjectNode()
                .put("name", name)
                .put("external_url", url)
                .put("shared_secret", secret);
        // Always sent, empty for every branch: leaving it out would keep branches a previous run set.
        branchIds.forEach(body.putArray("protected_branch_ids")::add);
        if (existing.isEmpty()) {
            Optional<Long> created = Optional.empty();
            if (!dryRun) {
                long id = read(
                                send("POST", "/projects/" + projectId + "/external_status_checks", body)
                                        .body(),
                                ExternalStatusCheck.class)
                        .id();
                if (id <= 0) {
                    throw new GitLabError("GitLab created the check but its answer names no id");
                }
                created = Optional.of(id);
            }
            return new Change(
                    "created", (dryRun ? "would create" : "created") + " check '" + name + "' -> " + url, created);
        }
        ExternalStatusCheck check = existing.get();
        Optional<Long> checkId = Optional.of(check.id());
        Set<Long> currentBranches = new TreeSet<>();
        check.protectedBranches().forEach(b -> currentBranches.add(b.id()));
        List<String> changes = new ArrayList<>();
        if (!check.externalUrl().equals(url)) {
            changes.add(check.externalUrl() + " -> " + url);
        }
        if (!currentBranches.equals(new TreeSet<>(branchIds))) {
            changes.add("protected branches " + (currentBranches.isEmpty() ? "all" : currentBranches) + " -> "
                    + (branchIds.isEmpty() ? "all" : branchIds));
        }
        // GitLab never shows the secret, only whether there is one (hmac).
        if (!check.hmac()) {
            changes.add("secret set (the check had none: GitLab sent its webhooks unsigned)");
        } else if (rotateSecret) {
            changes.add("secret replaced");
        }
        if (changes.isEmpty()) {
            return new Change("unchanged", "check '" + name + "' (" + check.id() + ") already up to date", checkId);
        }
        if (!dryRun) {
            send("PUT", "/projects/" + projectId + "/external_status_checks/" + check.id(), body);
        }
        return new Change(
                "updated",
                (dryRun ? "would update" : "updated") + " check '" + name + "' (" + check.id() + "): "
                        + String.join("; ", changes),
                checkId);
    }

    /** Turns "Status checks must succeed" on, unless GitLab shows it on already; says what it did. */
    private String requireStatusChecks(Project project) throws GitLabError {
        if (Boolean.TRUE.equals(project.statusChecksMustSucceed())) {
            return "\"Status checks must succeed\" is on already";
        }
        if (!dryRun) {
            send(
                    "PUT",
                    "/projects/" + project.id(),
                    JSON.createObjectNode().put("only_allow_merge_if_all_status_checks_passed", true));
        }
        return (dryRun ? "would turn" : "turned") + " \"Status checks must succeed\" on";
    }

    private List<Project> projects() throws GitLabError {
        if (scope.project != null) {
            return List.of(getOne("/projects/" + encode(scope.project), Project.class));
        }
        if (scope.policyRepository != null) {
            Project repository = getOne("/projects/" + encode(scope.policyRepository), Project.class);
            requirePolicySource(repository);
            return List.of(repository);
        }
        return getAll(
                "/groups/" + encode(scope.group) + "/projects?include_subgroups=true&archived=false", Project.class);
    }

    /**
     * The policy repository's check is worth registering only when policy-gate reads its policies from that project:
     * its merge requests would otherwise be judged by the policies like any other. Asked of policy-gate's policies
     * ({@code source}: gitlab:PROJECT@REF, PROJECT as configured, path or id); a dry run does not ask.
     */
    private void requirePolicySource(Project repository) throws GitLabError {
        if (dryRun) {
            out.println("dry run: policy-gate is not asked whether it reads its policies from " + repository.path());
            return;
        }
        String path = "/api/v1/policies";
        String source;
        try {
            HttpResponse<String> response = PolicyGateApi.get(
                    policyGateUrl, path, PolicyGateMain.fromEnv(spec, apiTokenEnv), Duration.ofSeconds(30));
            if (response.statusCode() != 200) {
                throw new GitLabError("policy-gate answered " + response.statusCode() + " to GET "
                        + policyGateUrl.replaceAll("/+$", "") + path + ": " + problemDetail(response.body()));
            }
            source = JSON.readTree(response.body()).path("source").asText("");
        } catch (IOException e) {
            throw new GitLabError("policy-gate at " + policyGateUrl + " could not be reached (" + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GitLabError("interrupted");
        }
        String configured = source.startsWith("gitlab:") && source.contains("@")
                ? source.substring("gitlab:".length(), source.lastIndexOf('@'))
                : null;
        if (configured == null
                || !(configured.equalsIgnoreCase(repository.path())
                        || configured.equals(String.valueOf(repository.id())))) {
            throw new GitLabError("policy-gate reads its policies from " + (source.isEmpty() ? "a folder" : source)
                    + ", not from " + repository.path() + ": set policy-gate.policies.repository ("
                    + "POLICY_GATE_POLICIES_REPOSITORY) to " + repository.path() + " first; until then its merge"
                    + " requests would be judged by the policies, not reviewed as policy changes");
        }
    }

    /** Every page of a list GitLab paginates, read as {@code type}. */
    private <T> List<T> getAll(String path, Class<T> type) throws GitLabError {
        List<T> all = new ArrayList<>();
        String page = "1";
        while (page != null && !page.isBlank()) {
            String paged = path + (path.contains("?") ? "&" : "?") + "per_page=100&page=" + page;
            HttpResponse<String> response =
                    call(HttpRequest.newBuilder(uri(paged)).GET(), paged);
            all.addAll(read(response.body(), JSON.getTypeFactory().constructCollectionType(List.class, type)));
            page = response.headers().firstValue("X-Next-Page").orElse(null);
        }
        return all;
    }

    private <T> T getOne(String path, Class<T> type) throws GitLabError {
        return read(call(HttpRequest.newBuilder(uri(path)).GET(), path).body(), type);
    }

    private HttpResponse<String> send(String method, String path, JsonNode body) throws GitLabError {
        return call(
                HttpRequest.newBuilder(uri(path))
                        .header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(body.toString())),
                method + " " + path);
    }

    private HttpResponse<String> call(HttpRequest.Builder request, String what) throws GitLabError {
        try {
            HttpResponse<String> response = HTTP.send(
                    request.header("PRIVATE-TOKEN", token)
                            .timeout(Duration.ofSeconds(30))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            GitLabAnswer answer = GitLabAnswer.of(
                    GitLabAnswer.Request.CHECK_SETTINGS,
                    what,
                    response.statusCode(),
                    response.body(),
                    null,
                    response.headers().firstValue("Retry-After").orElse(null),
                    Instant.now());
            if (answer instanceof GitLabAnswer.Transient busy) {
                throw new GitLabError(busy.detail() + ": GitLab is busy or failing; run register again (it changes"
                        + " only what differs)");
            }
            if (answer instanceof GitLabAnswer.Refused refused) {
                throw new GitLabError(refused.answer() + (refused.fix().isEmpty() ? "" : ": " + refused.fix()));
            }
            return response;
        } catch (IOException e) {
            throw new GitLabError("GitLab could not be reached: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GitLabError("interrupted");
        }
    }

    private static <T> T read(String body, Class<T> type) throws GitLabError {
        return read(body, JSON.getTypeFactory().constructType(type));
    }

    private static <T> T read(String body, JavaType type) throws GitLabError {
        try {
            T read = JSON.readValue(body, type);
            if (read == null) {
                throw new GitLabError("GitLab's answer is empty");
            }
            return read;
        } catch (IOException e) {
            throw new GitLabError("GitLab's answer is not what its API documents: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    /**
     * A project (API::Entities::Project): {@code only_allow_merge_if_all_status_checks_passed} is "Status checks must
     * succeed" (GitLab Ultimate), null when GitLab does not show it.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Project(
            long id,
            @JsonProperty("path_with_namespace") String path,

            @JsonProperty("only_allow_merge_if_all_status_checks_passed")
            Boolean statusChecksMustSucceed) {}

    /** An open merge request, as the list of a project's merge requests shows it. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record OpenMergeRequest(
            long iid,
            String title,
            String sha,
            @JsonProperty("target_branch") String targetBranch) {}

    /** GET /version. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Version(String version) {
        Version {
            version = version == null ? "" : version;
        }
    }

    private URI uri(String path) {
        return URI.create(gitlabUrl.replaceAll("/+$", "") + "/api/v4" + path);
    }

    private static String encode(String idOrPath) {
        return URLEncoder.encode(idOrPath, StandardCharsets.UTF_8);
    }

    /** GitLab refused or could not be reached; the message says what to do. */
    private static final class GitLabError extends Exception {
        GitLabError(String message) {
            super(message);
        }
    }
}
