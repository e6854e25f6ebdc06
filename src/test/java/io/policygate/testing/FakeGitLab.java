package io.policygate.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.RequestMethod;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GitLab's state as the tests need it: merge requests with their HEAD, labels and diff versions, the status checks
 * that apply to them and the statuses posted to them. WireMock serves it (see {@link GitLabStubs#acceptAll}) and
 * policy-gate reads it as it reads GitLab. A webhook a test sends through {@link Webhooks} or
 * {@link ServiceProcess#sendSigned} is one GitLab built from this state, so sending it makes the state what it
 * says ({@link #sent}); a test that needs GitLab to differ from a body (a forged body, an edit after a webhook)
 * changes the state itself.
 */
public final class FakeGitLab {

    /** The one GitLab of a test JVM: tests run one at a time and reset it. */
    public static final FakeGitLab SHARED = new FakeGitLab();
    /** Where the tests' status checks call policy-gate: %test.policy-gate.public-url + /webhooks/gitlab. */
    public static final String POLICY_GATE_URL = "https://policy-gate.example.com/webhooks/gitlab";
    /** The name of the WireMock transformer that answers from the state. */
    public static final String ANSWERS = "fake-gitlab";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PROJECT = Pattern.compile("/api/v4/projects/(\\d+)");
    private static final Pattern OPEN = Pattern.compile("/api/v4/projects/(\\d+)/merge_requests");
    private static final Pattern MERGE_REQUEST = Pattern.compile("/api/v4/projects/(\\d+)/merge_requests/(\\d+)");
    private static final Pattern CHECKS = Pattern.compile(MERGE_REQUEST.pattern() + "/status_checks");
    private static final Pattern VERSIONS = Pattern.compile(MERGE_REQUEST.pattern() + "/versions");
    private static final Pattern VERSION = Pattern.compile(MERGE_REQUEST.pattern() + "/versions/(\\d+)");
    private static final Pattern RESPONSES = Pattern.compile(MERGE_REQUEST.pattern() + "/status_check_responses");
    private static final Pattern PROJECT_CHECKS = Pattern.compile(PROJECT.pattern() + "/external_status_checks");
    private static final Pattern COMPARE = Pattern.compile(PROJECT.pattern() + "/repository/compare");
    private static final Pattern GROUP_LIST = Pattern.compile("/api/v4/groups/([^/]+)/merge_requests");

    /**
     * A status check that applies to a merge request. The project lists it (GET …/external_status_checks) limited to
     * {@code branches} (protected branch names, {@code *} wildcards; none: every branch).
     */
    public record Check(long id, String name, String externalUrl, List<String> branches) {
        public Check(long id, String name, String externalUrl) {
            this(id, name, externalUrl, List.of());
        }
    }

    /** One merge request as GitLab holds it. {@code sha} is its HEAD. */
    public record MergeRequest(
            long projectId,
            String projectPath,
            long iid,
            String sha,
            String state,
            String title,
            String description,
            String sourceBranch,
            String targetBranch,
            boolean draft,
            List<String> labels,
            long authorId,
            String authorUsername,
            List<Check> checks) {

        /** An open merge request from {@code feature/<iid>} into main, by ada, applying {@code checks}. */
        public static MergeRequest opened(
                long projectId,
                String projectPath,
                long iid,
                String sha,
                String title,
                List<String> labels,
                Check... checks) {
            return new MergeRequest(
                    projectId,
                    projectPath,
                    iid,
                    sha,
                    "opened",
                    title,
                    "",
                    "feature/" + iid,
                    "main",
                    false,
                    labels,
                    3,
                    "ada",
                    List.of(checks));
        }

        public MergeRequest withLabels(String... labels) {
            return new MergeRequest(
                    projectId,
                    projectPath,
                    iid,
                    sha,
                    state,
                    title,
                    description,
                    sourceBranch,
                    targetBranch,
                    draft,
                    List.of(labels),
                    authorId,
                    authorUsername,
                    checks);
        }

        public MergeRequest withTitle(String title) {
            return new MergeRequest(
                    projectId,
                    projectPath,
                    iid,
                    sha,
                    state,
                    title,
                    description,
                    sourceBranch,
                    targetBranch,
                    draft,
                    labels,
                    authorId,
                    authorUsername,
                    checks);
        }

        public MergeRequest withHead(String sha) {
            return new MergeRequest(
                    projectId,
                    projectPath,
                    iid,
                    sha,
                    state,
                    title,
                    description,
                    sourceBranch,
                    targetBranch,
                    draft,
                    labels,
                    authorId,
                    authorUsername,
                    checks);
        }

        public MergeRequest withState(String state) {
            return new MergeRequest(
                    projectId,
                    projectPath,
                    iid,
                    sha,
                    state,
                    title,
                    description,
                    sourceBranch,
                    targetBranch,
                    draft,
                    labels,
                    authorId,
                    authorUsername,
                    checks);
        }

        public MergeRequest withChecks(Check... checks) {
            return new MergeRequest(
                    projectId,
                    projectPath,
                    iid,
                    sha,
                    state,
                    title,
                    description,
                    sourceBranch,
                    targetBranch,
                    draft,
                    labels,
                    authorId,
                    authorUsername,
                    List.of(checks));
        }
    }

    /** One diff version: what GitLab computed for one HEAD. */
    private record Version(long id, String sha, List<JsonNode> diffs, List<JsonNode> commits) {}

    private final Map<String, MergeRequest> mergeRequests = new ConcurrentHashMap<>();
    private final Map<String, List<Version>> versions = new ConcurrentHashMap<>();
    private final Map<String, String> statuses = new ConcurrentHashMap<>();
    /** Each project's status checks as its settings list them: the last a merge request of it was put with. */
    private final Map<Long, Map<Long, Check>> projectChecks = new ConcurrentHashMap<>();
    /** When each merge request was last updated (GitLab's updated_at): when it was last put. */
    private final Map<String, java.time.Instant> updatedAt = new ConcurrentHashMap<>();
    /** Merge requests GitLab has not made a diff version for yet: their answer has {@code diff_refs: null}. */
    private final Set<String> withoutDiffRefs = ConcurrentHashMap.newKeySet();
    /** The rate-limit headers every answer carries, as GitLab.com sends them; null: none (rate limits off). */
    private volatile Map<String, String> rateLimit;
    /** Commits whose comparison GitLab cuts short ({@code compare_timeout: true}, some diffs left out). */
    private final Set<String> cutShort = ConcurrentHashMap.newKeySet();
    /** Each project's "Status checks must succeed", when GitLab shows it. */
    private final Map<Long, Boolean> statusChecksMustSucceed = new ConcurrentHashMap<>();
    /** Status checks that have no shared secret ({@code hmac: false}). */
    private final Set<Long> unsigned = ConcurrentHashMap.newKeySet();
    /** What GitLab says of each merged merge request's merge: merged_at, merge_commit_sha, merge_user. */
    private final Map<String, ObjectNode> merges = new ConcurrentHashMap<>();

    private final AtomicLong versionIds = new AtomicLong(500);
    /** Paths GitLab began to answer, counted when the answer is made. */
    private final Map<String, AtomicLong> answering = new ConcurrentHashMap<>();
    /** Paths whose answers wait, once made, until the test lets them go. */
    private final Map<String, CountDownLatch> held = new ConcurrentHashMap<>();

    /** WireMock options that answer from {@link #SHARED}; add a port and the rest. */
    public static WireMockConfiguration options() {
        return WireMockConfiguration.options().extensions(new Answers(SHARED));
    }

    /** GitLab forgets everything. */
    public void reset() {
        mergeRequests.clear();
        versions.clear();
        statuses.clear();
        projectChecks.clear();
        updatedAt.clear();
        withoutDiffRefs.clear();
        cutShort.clear();
        merges.clear();
        statusChecksMustSucceed.clear();
        unsigned.clear();
        rateLimit = null;
        answering.clear();
        held.values().forEach(CountDownLatch::countDown);
        held.clear();
    }

    /** How many requests for {@code path} GitLab has begun to answer, held ones included. */
    public long answering(String path) {
        return answering.getOrDefault(path, new AtomicLong()).get();
    }

    /**
     * Holds GitLab's answers to {@code path}: each is made from the state when the request arrives and sent when
     * {@link #release} is called, as a slow GitLab would answer. Release within policy-gate's read timeout.
     */
    public void hold(String path) {
        held.put(path, new CountDownLatch(1));
    }

    public void release(String path) {
        Optional.ofNullable(held.remove(path)).ifPresent(CountDownLatch::countDown);
    }

    /**
     * GitLab sent this webhook, so its merge request is now as the body says: its HEAD, title, labels, branches and
     * state, with a diff version for the HEAD and the status check the body names (calling policy-gate). Bodies that
     * are not a merge request event GitLab could build are ignored.
     */
    public void sent(String body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException | RuntimeException e) {
            return;
        }
        JsonNode attributes = root == null ? null : root.get("object_attributes");
        if (attributes == null
                || !"merge_request".equals(root.path("object_kind").asText())
                || !root.path("project").path("id").canConvertToLong()
                || !attributes.path("last_commit").path("id").isTextual()
                || !attributes.path("iid").isIntegralNumber()) {
            return;
        }
        long projectId = root.path("project").path("id").asLong();
        long iid = attributes.path("iid").asLong();
        List<String> labels = new ArrayList<>();
        (attributes.has("labels") ? attributes.path("labels") : root.path("labels"))
                .forEach(label -> labels.add(label.path("title").asText()));
        long authorId = attributes.path("author_id").asLong(1);
        String author = root.path("user").path("id").asLong() == authorId
                ? root.path("user").path("username").asText("root")
                : "author-" + authorId;
        List<Check> checks = new ArrayList<>(Optional.ofNullable(mergeRequests.get(key(projectId, iid)))
                .map(MergeRequest::checks)
                .orElse(List.of()));
        JsonNode rule = root.path("external_approval_rule");
        if (rule.path("id").canConvertToLong()) {
            checks.removeIf(c -> c.id() == rule.path("id").asLong());
            checks.add(new Check(rule.path("id").asLong(), rule.path("name").asText(""), POLICY_GATE_URL));
        }
        String state = attributes.path("state").asText("opened");
        put(new MergeRequest(
                projectId,
                root.path("project").path("path_with_namespace").asText(""),
                iid,
                attributes.path("last_commit").path("id").asText(),
                state.isEmpty() ? "opened" : state,
                attributes.path("title").asText(""),
                attributes.path("description").asText(""),
                attributes.path("source_branch").asText(""),
                attributes.path("target_branch").asText(""),
                attributes
                        .path("draft")
                        .asBoolean(attributes.path("work_in_progress").asBoolean(false)),
                labels,
                authorId,
                author,
                checks));
    }

    /**
     * Stores a merge request as it now is in GitLab; a HEAD it has no diff version for gets an empty one. Its checks
     * become the project's settings for those check ids.
     */
    public void put(MergeRequest mergeRequest) {
        mergeRequests.put(key(mergeRequest.projectId(), mergeRequest.iid()), mergeRequest);
        updatedAt.put(key(mergeRequest.projectId(), mergeRequest.iid()), java.time.Instant.now());
        Map<Long, Check> settings =
                projectChecks.computeIfAbsent(mergeRequest.projectId(), p -> new ConcurrentHashMap<>());
        mergeRequest.checks().forEach(check -> settings.put(check.id(), check));
        version(mergeRequest.projectId(), mergeRequest.iid(), mergeRequest.sha());
    }

    public MergeRequest mergeRequest(long projectId, long iid) {
        MergeRequest mr = mergeRequests.get(key(projectId, iid));
        if (mr == null) {
            throw new IllegalStateException("GitLab has no merge request " + projectId + "!" + iid);
        }
        return mr;
    }

    /** Sets the project's "Status checks must succeed" (only_allow_merge_if_all_status_checks_passed). */
    public void statusChecksMustSucceed(long projectId, boolean on) {
        statusChecksMustSucceed.put(projectId, on);
    }

    /** Deletes a status check from the project's settings, as a Maintainer would. */
    public void removeCheck(long projectId, long checkId) {
        Optional.ofNullable(projectChecks.get(projectId)).ifPresent(checks -> checks.remove(checkId));
    }

    /** Takes the shared secret off a status check: the project lists it with {@code hmac: false}. */
    public void unsigned(long checkId) {
        unsigned.add(checkId);
    }

    /**
     * Merges a merge request as {@code username} would, now: its state becomes merged, and GitLab's answers about it
     * say when, by whom and the merge commit it made.
     */
    public void merge(long projectId, long iid, String username) {
        merges.put(
                key(projectId, iid),
                JSON.createObjectNode()
                        .put("merged_at", java.time.Instant.now().toString())
                        .put("merge_commit_sha", String.format("%040x", 0xfeed_0000L + projectId * 1000 + iid))
                        .set("merge_user", JSON.createObjectNode().put("id", 77).put("username", username)));
        update(projectId, iid, mr -> mr.withState("merged"));
    }

    /** Changes a merge request as a developer or a push would (labels, title, HEAD, state). */
    public void update(long projectId, long iid, UnaryOperator<MergeRequest> change) {
        put(change.apply(mergeRequest(projectId, iid)));
    }

    /**
     * The changed files of the diff version GitLab has for {@code sha}, as GitLab lists them: each
     * {@code {"new_path", "old_path", "new_file", "renamed_file", "deleted_file", "diff"}}.
     */
    public void changes(long projectId, long iid, String sha, List<Map<String, Object>> diffs) {
        Version version = version(projectId, iid, sha);
        replace(
                projectId,
                iid,
                version,
                new Version(
                        version.id(),
                        sha,
                        diffs.stream().map(d -> (JsonNode) JSON.valueToTree(d)).toList(),
                        version.commits()));
    }

    /** The commits of the diff version for {@code sha}: each {@code {"id", "title", "message", …}}. */
    public void commits(long projectId, long iid, String sha, List<Map<String, Object>> commits) {
        Version version = version(projectId, iid, sha);
        replace(
                projectId,
                iid,
                version,
                new Version(
                        version.id(),
                        sha,
                        version.diffs(),
                        commits.stream()
                                .map(c -> (JsonNode) JSON.valueToTree(c))
                                .toList()));
    }

    /** The merge request was last updated at {@code when}, as GitLab's updated_at would say. */
    public void lastUpdated(long projectId, long iid, java.time.Instant when) {
        updatedAt.put(key(projectId, iid), when);
    }

    /**
     * GitLab shows the merge request without {@code diff_refs}, as before it has made a diff version for a push:
     * its changes can then only be read from the diff versions.
     */
    public void withoutDiffRefs(long projectId, long iid) {
        withoutDiffRefs.add(key(projectId, iid));
    }

    /**
     * Every answer from now on carries GitLab's rate-limit headers ({@code RateLimit-Limit}, {@code
     * RateLimit-Remaining}, {@code RateLimit-Reset}), as GitLab.com's do.
     */
    public void rateLimit(long limit, long remaining, java.time.Instant reset) {
        rateLimit = Map.of(
                "RateLimit-Limit", String.valueOf(limit),
                "RateLimit-Remaining", String.valueOf(remaining),
                "RateLimit-Reset", String.valueOf(reset.getEpochSecond()));
    }

    /** GitLab cuts the comparison ending at {@code sha} short, as when its diff limits overflow. */
    public void cutShort(String sha) {
        cutShort.add(sha.toLowerCase(Locale.ROOT));
    }

    /** Someone (policy-gate, or a Developer of the project) posts a status, as GitLab stores it. */
    public void postStatus(long projectId, long iid, long checkId, String sha, String status) {
        statuses.put(key(projectId, iid) + "#" + checkId + "@" + sha, status);
    }

    /** GitLab's status of a check at a commit: the newest posted, else pending. */
    public String status(long projectId, long iid, long checkId, String sha) {
        return statuses.getOrDefault(key(projectId, iid) + "#" + checkId + "@" + sha, "pending");
    }

    private Version version(long projectId, long iid, String sha) {
        List<Version> all = versions.computeIfAbsent(key(projectId, iid), k -> new CopyOnWriteArrayList<>());
        synchronized (all) {
            return all.stream().filter(v -> v.sha().equals(sha)).findFirst().orElseGet(() -> {
                Version made = new Version(versionIds.incrementAndGet(), sha, List.of(), List.of());
                all.add(0, made);
                return made;
            });
        }
    }

    private void replace(long projectId, long iid, Version old, Version now) {
        List<Version> all = versions.get(key(projectId, iid));
        synchronized (all) {
            all.set(all.indexOf(old), now);
        }
    }

    private static String key(long projectId, long iid) {
        return projectId + "!" + iid;
    }

    /** The WireMock side: GitLab's API over the state, for the stubs that name {@link #ANSWERS}. */
    private static final class Answers implements ResponseDefinitionTransformerV2 {

        private final FakeGitLab gitlab;

        Answers(FakeGitLab gitlab) {
            this.gitlab = gitlab;
        }

        @Override
        public String getName() {
            return ANSWERS;
        }

        @Override
        public boolean applyGlobally() {
            return false;
        }

        @Override
        public ResponseDefinition transform(ServeEvent event) {
            String path = URI.create(event.getRequest().getUrl()).getRawPath();
            ResponseDefinition answer = limited(without(
                    answer(event.getRequest(), path),
                    event.getTransformerParameters().getString("drop", null)));
            gitlab.answering.computeIfAbsent(path, p -> new AtomicLong()).incrementAndGet();
            CountDownLatch hold = gitlab.held.get(path);
            if (hold != null) {
                try {
                    hold.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return answer;
        }

        private ResponseDefinition limited(ResponseDefinition answer) {
            Map<String, String> headers = gitlab.rateLimit;
            if (headers == null) {
                return answer;
            }
            ResponseDefinitionBuilder limited = ResponseDefinitionBuilder.like(answer);
            headers.forEach(limited::withHeader);
            return limited.build();
        }

        /** The answer without the field {@code drop} names, as an older GitLab would leave it out. */
        private static ResponseDefinition without(ResponseDefinition answer, String drop) {
            if (drop == null) {
                return answer;
            }
            try {
                ObjectNode node = (ObjectNode) JSON.readTree(answer.getBody());
                node.remove(drop);
                return json(answer.getStatus(), node);
            } catch (IOException e) {
                throw new IllegalStateException("the fake GitLab's own answer is JSON", e);
            }
        }

        private ResponseDefinition answer(Request request, String path) {
            Matcher m;
            if (RequestMethod.POST.equals(request.getMethod()) && (m = RESPONSES.matcher(path)).matches()) {
                return gitlab.respond(
                        Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), request.getBodyAsString());
            }
            if ((m = GROUP_LIST.matcher(path)).matches()) {
                String group = java.net.URLDecoder.decode(m.group(1), java.nio.charset.StandardCharsets.UTF_8);
                return gitlab.listed(mr -> mr.projectPath().startsWith(group + "/"), request);
            }
            if ((m = PROJECT_CHECKS.matcher(path)).matches()) {
                return gitlab.projectChecks(Long.parseLong(m.group(1)));
            }
            if ((m = COMPARE.matcher(path)).matches()) {
                return gitlab.compare(Long.parseLong(m.group(1)), request);
            }
            if ((m = VERSION.matcher(path)).matches()) {
                return gitlab.version(
                        Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)));
            }
            if ((m = VERSIONS.matcher(path)).matches()) {
                return gitlab.versions(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
            }
            if ((m = CHECKS.matcher(path)).matches()) {
                return gitlab.checks(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
            }
            if ((m = MERGE_REQUEST.matcher(path)).matches()) {
                String key = key(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
                return Optional.ofNullable(gitlab.mergeRequests.get(key))
                        .map(mr -> {
                            ObjectNode node = gitlab.mergeRequestJson(mr);
                            if (gitlab.withoutDiffRefs.contains(key)) {
                                node.putNull("diff_refs");
                            } else {
                                node.putObject("diff_refs")
                                        .put("base_sha", base(mr))
                                        .put("head_sha", mr.sha())
                                        .put("start_sha", base(mr));
                            }
                            return json(200, node);
                        })
                        .orElseGet(FakeGitLab::notFound);
            }
            if ((m = OPEN.matcher(path)).matches()) {
                long project = Long.parseLong(m.group(1));
                return gitlab.listed(mr -> mr.projectId() == project, request);
            }
            if ((m = PROJECT.matcher(path)).matches()) {
                long id = Long.parseLong(m.group(1));
                return gitlab.mergeRequests.values().stream()
                        .filter(mr -> mr.projectId() == id)
                        .findFirst()
                        .map(mr -> {
                            ObjectNode node = JSON.createObjectNode()
                                    .put("id", id)
                                    .put("path_with_namespace", mr.projectPath())
                                    .put("default_branch", "main");
                            Boolean mustSucceed = gitlab.statusChecksMustSucceed.get(id);
                            if (mustSucceed != null) {
                                node.put("only_allow_merge_if_all_status_checks_passed", mustSucceed);
                            }
                            return json(200, node);
                        })
                        .orElseGet(FakeGitLab::notFound);
            }
            return notFound();
        }
    }

    private ObjectNode mergeRequestJson(MergeRequest mr) {
        ObjectNode node = JSON.createObjectNode()
                .put("id", mr.projectId() * 100_000 + mr.iid())
                .put("iid", mr.iid())
                .put("project_id", mr.projectId())
                .put("title", mr.title())
                .put("description", mr.description())
                .put("state", mr.state())
                .put("sha", mr.sha())
                .put("source_branch", mr.sourceBranch())
                .put("target_branch", mr.targetBranch())
                .put("draft", mr.draft())
                .put("work_in_progress", mr.draft())
                .put("web_url", "http://example.com/" + mr.projectPath() + "/-/merge_requests/" + mr.iid());
        ArrayNode labels = node.putArray("labels");
        mr.labels().forEach(labels::add);
        node.putObject("author").put("id", mr.authorId()).put("username", mr.authorUsername());
        node.putObject("references").put("full", mr.projectPath() + "!" + mr.iid());
        ObjectNode merge = merges.get(key(mr.projectId(), mr.iid()));
        if (merge != null) {
            node.setAll(merge);
        }
        return node;
    }

    /** The merge base of a merge request's diffs: one commit of its target branch per merge request. */
    private static String base(MergeRequest mr) {
        return String.format("%040x", mr.projectId() * 100_000 + mr.iid());
    }

    /** GET …/external_status_checks: every check the project's merge requests were put with, as last put. */
    private ResponseDefinition projectChecks(long projectId) {
        ArrayNode list = JSON.createArrayNode();
        for (Check check : projectChecks.getOrDefault(projectId, Map.of()).values()) {
            ObjectNode node = list.addObject()
                    .put("id", check.id())
                    .put("name", check.name())
                    .put("project_id", projectId)
                    .put("external_url", check.externalUrl())
                    .put("hmac", !unsigned.contains(check.id()));
            ArrayNode branches = node.putArray("protected_branches");
            check.branches().forEach(name -> branches.addObject().put("id", 1).put("name", name));
        }
        return json(200, list);
    }

    /**
     * GET …/repository/compare from a merge request's merge base to one of its commits: that commit's diff version's
     * diffs and commits, as GitLab computes them from the repository.
     */
    private ResponseDefinition compare(long projectId, Request request) {
        String from = request.queryParameter("from").firstValue();
        String to = request.queryParameter("to").firstValue();
        for (MergeRequest mr : mergeRequests.values()) {
            if (mr.projectId() != projectId || !base(mr).equals(from)) {
                continue;
            }
            Optional<Version> version = versions.getOrDefault(key(projectId, mr.iid()), List.of()).stream()
                    .filter(v -> v.sha().equalsIgnoreCase(to))
                    .findFirst();
            if (version.isPresent()) {
                ObjectNode node = JSON.createObjectNode();
                node.putObject("commit").put("id", to).put("title", "HEAD");
                node.putArray("commits").addAll(version.get().commits());
                node.putArray("diffs").addAll(version.get().diffs());
                node.put("compare_timeout", cutShort.contains(to.toLowerCase(Locale.ROOT)));
                node.put("compare_same_ref", false);
                return json(200, node);
            }
        }
        return notFound();
    }

    /**
     * GET …/merge_requests of a project or a group: those {@code of} it in the request's {@code state} (opened, or
     * all), updated on or after its {@code updated_after} when it has one.
     */
    private ResponseDefinition listed(java.util.function.Predicate<MergeRequest> of, Request request) {
        String state = request.queryParameter("state").isPresent()
                ? request.queryParameter("state").firstValue()
                : "all";
        java.time.Instant after = request.queryParameter("updated_after").isPresent()
                ? java.time.Instant.parse(
                        request.queryParameter("updated_after").firstValue())
                : java.time.Instant.EPOCH;
        ArrayNode list = JSON.createArrayNode();
        mergeRequests.values().stream()
                .filter(of)
                .filter(mr -> state.equals("all") || mr.state().equals(state))
                .filter(mr -> !updatedAt
                        .getOrDefault(key(mr.projectId(), mr.iid()), java.time.Instant.EPOCH)
                        .isBefore(after))
                .map(this::mergeRequestJson)
                .forEach(list::add);
        return json(200, list);
    }

    private ResponseDefinition checks(long projectId, long iid) {
        MergeRequest mr = mergeRequests.get(key(projectId, iid));
        if (mr == null) {
            return notFound();
        }
        ArrayNode list = JSON.createArrayNode();
        for (Check check : mr.checks()) {
            // GitLab shows the URL without its query (ee/lib/api/entities/merge_requests/status_check.rb).
            list.addObject()
                    .put("id", check.id())
                    .put("name", check.name())
                    .put("external_url", check.externalUrl().replaceAll("\\?.*", ""))
                    .put("status", status(projectId, iid, check.id(), mr.sha()));
        }
        return json(200, list);
    }

    private ResponseDefinition versions(long projectId, long iid) {
        ArrayNode list = JSON.createArrayNode();
        for (Version version : versions.getOrDefault(key(projectId, iid), List.of())) {
            list.add(versionJson(projectId, iid, version));
        }
        return json(200, list);
    }

    private ResponseDefinition version(long projectId, long iid, long versionId) {
        return versions.getOrDefault(key(projectId, iid), List.of()).stream()
                .filter(v -> v.id() == versionId)
                .findFirst()
                .map(v -> {
                    ObjectNode node = versionJson(projectId, iid, v);
                    node.putArray("diffs").addAll(v.diffs());
                    node.putArray("commits").addAll(v.commits());
                    return json(200, node);
                })
                .orElseGet(FakeGitLab::notFound);
    }

    private static ObjectNode versionJson(long projectId, long iid, Version version) {
        return JSON.createObjectNode()
                .put("id", version.id())
                .put("head_commit_sha", version.sha())
                .put("base_commit_sha", "0".repeat(40))
                .put("start_commit_sha", "0".repeat(40))
                .put("merge_request_id", projectId * 100_000 + iid)
                .put("state", "collected")
                .put("real_size", "1");
    }

    /** POST status_check_responses: 409 when the SHA is not HEAD, as ee/lib/api/status_checks.rb answers. */
    private ResponseDefinition respond(long projectId, long iid, String body) {
        JsonNode response;
        try {
            response = JSON.readTree(body);
        } catch (IOException e) {
            return json(400, JSON.createObjectNode().put("error", "body is not JSON"));
        }
        String sha = response.path("sha").asText();
        MergeRequest mr = mergeRequests.get(key(projectId, iid));
        if (mr != null && !mr.sha().equalsIgnoreCase(sha)) {
            return json(
                    409,
                    JSON.createObjectNode().put("message", "SHA does not match HEAD of source branch: " + mr.sha()));
        }
        String status = response.path("status").asText("passed");
        postStatus(projectId, iid, response.path("external_status_check_id").asLong(), sha, status);
        return json(201, JSON.createObjectNode().put("id", 1).put("status", status));
    }

    private static ResponseDefinition json(int status, JsonNode body) {
        return new ResponseDefinitionBuilder()
                .withStatus(status)
                .withHeader("Content-Type", "application/json")
                .withHeader("X-Next-Page", "")
                .withBody(body.toString())
                .build();
    }

    private static ResponseDefinition notFound() {
        return json(404, JSON.createObjectNode().put("message", "404 Not found"));
    }
}
