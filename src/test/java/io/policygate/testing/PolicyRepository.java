package io.policygate.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import io.policygate.digest.Sha256;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A GitLab project holding policy files, as GitLab's API shows it: the commit a branch names
 * (repository/commits/:ref), the tree at a commit (every entry, subfolders included, as recursive=true lists it)
 * and each file at a commit (repository/files/:path, base64). Every commit stays readable, as in GitLab; pushing
 * moves the branch.
 */
public final class PolicyRepository {

    public static final String PROJECT = "compliance/policies";
    public static final String ENCODED = "compliance%2Fpolicies";
    public static final String BRANCH = "main";
    public static final String FOLDER = "policies";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final WireMockServer gitlab;
    private final Map<String, Map<String, String>> commits = new TreeMap<>();
    private final List<StubMapping> branchStubs = new ArrayList<>();
    private String head;

    public PolicyRepository(WireMockServer gitlab) {
        this.gitlab = gitlab;
    }

    /** The shipped policies as the folder's first commit. */
    public static Map<String, String> shipped() {
        Map<String, String> files = new TreeMap<>();
        for (String name : List.of("jira-ticket.yaml", "compliance-review.yaml", "protected-paths.yaml")) {
            try {
                files.put(FOLDER + "/" + name, Files.readString(Path.of("policies", name)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        // Beside the policies, as in a real repository: neither is a policy file.
        files.put("README.md", "# Policies\n");
        files.put(FOLDER + "/jira-ticket.test.yaml", "cases: []\n");
        return files;
    }

    /** Commits {@code files} (path from the repository's root to content) and moves the branch to it. */
    public synchronized String push(Map<String, String> files) {
        String commit = commit(files);
        stubBranch(GitLabStubs.json("{\"id\":\"" + commit + "\",\"title\":\"Policies\"}"));
        head = commit;
        return commit;
    }

    /** Commits {@code files} without moving the branch: the HEAD of a merge request on the repository. */
    public synchronized String commit(Map<String, String> files) {
        // A commit id as long as Git's SHA-1 ones.
        String commit = Sha256.hex((files.toString() + commits.size()).getBytes(StandardCharsets.UTF_8))
                .substring(0, 40);
        commits.put(commit, Map.copyOf(files));
        stubCommit(commit, files);
        return commit;
    }

    /**
     * GitLab says that {@code path} last changed in {@code commit}, which came in with merge request {@code iid}
     * (merged, or not) that {@code approvers} approved.
     */
    public void mergedWith(String commit, String path, long iid, boolean merged, List<String> approvers) {
        gitlab.stubFor(get(urlPathEqualTo("/api/v4/projects/" + ENCODED + "/repository/commits"))
                .withQueryParam("ref_name", equalTo(commit))
                .withQueryParam("path", equalTo(path))
                .willReturn(GitLabStubs.json("[{\"id\":\"" + commit + "\"}]")));
        gitlab.stubFor(get(urlPathEqualTo(
                        "/api/v4/projects/" + ENCODED + "/repository/commits/" + commit + "/merge_requests"))
                .willReturn(GitLabStubs.json("[{\"id\":" + (1000 + iid) + ",\"iid\":" + iid + ",\"project_id\":77,"
                        + "\"state\":\"" + (merged ? "merged" : "closed")
                        + "\",\"web_url\":\"https://gitlab.example.com/"
                        + PROJECT + "/-/merge_requests/" + iid + "\",\"references\":{\"full\":\"" + PROJECT + "!" + iid
                        + "\"}}]")));
        ArrayNode approved = JSON.createArrayNode();
        approvers.forEach(a -> approved.addObject().putObject("user").put("username", a));
        gitlab.stubFor(get(urlPathEqualTo("/api/v4/projects/" + ENCODED + "/merge_requests/" + iid + "/approvals"))
                .willReturn(GitLabStubs.json(
                        JSON.createObjectNode().set("approved_by", approved).toString())));
    }

    /** Moves the branch back to a commit pushed before, as a force-push or a revert to it would. */
    public synchronized void pushBranchBack(String commit) {
        head = commit;
        recover();
    }

    /** GitLab answers the branch's commit with {@code status} until {@link #recover()}. */
    public synchronized void failBranchReads(int status) {
        stubBranch(aResponse().withStatus(status).withBody("{\"message\":\"unavailable\"}"));
    }

    /** Serves the branch at its head again. */
    public synchronized void recover() {
        stubBranch(GitLabStubs.json("{\"id\":\"" + head + "\",\"title\":\"Policies\"}"));
    }

    public synchronized String head() {
        return head;
    }

    /** Every stub again, after a test reset the server: every commit, the branch at its head. */
    public synchronized void restub() {
        commits.forEach(this::stubCommit);
        branchStubs.clear();
        recover();
    }

    private void stubBranch(ResponseDefinitionBuilder answer) {
        branchStubs.forEach(gitlab::removeStub);
        branchStubs.clear();
        branchStubs.add(
                gitlab.stubFor(get(urlPathEqualTo("/api/v4/projects/" + ENCODED + "/repository/commits/" + BRANCH))
                        .willReturn(answer)));
    }

    /** The tree under the folder, as recursive=true lists it (folders too), and each file. */
    private void stubCommit(String commit, Map<String, String> files) {
        ArrayNode tree = JSON.createArrayNode();
        new TreeMap<>(files)
                .keySet().stream()
                        .flatMap(path -> {
                            List<String> entries = new ArrayList<>(folders(path));
                            entries.add(path);
                            return entries.stream();
                        })
                        .distinct()
                        .filter(path -> path.startsWith(FOLDER + "/"))
                        .forEach(path -> tree.addObject()
                                .put("path", path)
                                .put("type", files.containsKey(path) ? "blob" : "tree")
                                .put("name", path.substring(path.lastIndexOf('/') + 1)));
        gitlab.stubFor(get(urlPathEqualTo("/api/v4/projects/" + ENCODED + "/repository/tree"))
                .withQueryParam("ref", equalTo(commit))
                .withQueryParam("path", equalTo(FOLDER))
                .withQueryParam("recursive", equalTo("true"))
                .willReturn(GitLabStubs.json(tree.toString())));
        files.forEach((path, content) -> gitlab.stubFor(get(urlPathEqualTo(
                        "/api/v4/projects/" + ENCODED + "/repository/files/" + path.replace("/", "%2F")))
                .withQueryParam("ref", equalTo(commit))
                .willReturn(GitLabStubs.json(JSON.createObjectNode()
                        .put("file_path", path)
                        .put("encoding", "base64")
                        .put("content", Base64.getEncoder().encodeToString(content.getBytes(StandardCharsets.UTF_8)))
                        .put("commit_id", commit)
                        .toString()))));
    }

    private static List<String> folders(String path) {
        List<String> folders = new ArrayList<>();
        for (int slash = path.indexOf('/'); slash > 0; slash = path.indexOf('/', slash + 1)) {
            folders.add(path.substring(0, slash));
        }
        return folders;
    }
}
