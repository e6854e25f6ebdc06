package io.policygate.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import java.util.List;

/** GitLab's answers as WireMock stubs: {@link FakeGitLab} behind the API policy-gate calls. */
public final class GitLabStubs {

    public static final String STATUS_PATH = "/api/v4/projects/6/merge_requests/4/status_check_responses";
    private static final String MR_PATH = "/api/v4/projects/\\d+/merge_requests/\\d+";
    private static final String ANY_STATUS_PATH = MR_PATH + "/status_check_responses";

    private GitLabStubs() {}

    public static MappingBuilder statusResponses() {
        return post(urlPathMatching(ANY_STATUS_PATH));
    }

    /** The notes of any merge request. */
    public static final String NOTES_PATH = MR_PATH + "/notes";
    /** The id of the user the test token belongs to (GET /user). */
    public static final long BOT_USER_ID = 99;

    /**
     * GitLab as {@link FakeGitLab#SHARED} holds it: merge requests, their projects, status checks and diff
     * versions are read from it, a status is posted to it (409 when the SHA is not HEAD). Besides: the token's
     * user, the version, no notes, and notes taken. A test's own stubs (default priority) win over these.
     */
    public static void acceptAll(WireMockServer gitlab) {
        gitlab.stubFor(statusResponses().willReturn(aResponse().withTransformers(FakeGitLab.ANSWERS)));
        for (String read : List.of(
                "/api/v4/projects/\\d+",
                "/api/v4/projects/\\d+/merge_requests",
                "/api/v4/projects/\\d+/external_status_checks",
                "/api/v4/groups/[^/]+/merge_requests",
                "/api/v4/projects/\\d+/repository/compare",
                MR_PATH,
                MR_PATH + "/status_checks",
                MR_PATH + "/versions",
                MR_PATH + "/versions/\\d+")) {
            gitlab.stubFor(get(urlPathMatching(read))
                    .atPriority(10)
                    .willReturn(aResponse().withTransformers(FakeGitLab.ANSWERS)));
        }
        gitlab.stubFor(get(urlPathMatching("/api/v4/user"))
                .atPriority(10)
                .willReturn(json("{\"id\":" + BOT_USER_ID + ",\"username\":\"policy-gate-bot\"}")));
        gitlab.stubFor(get(urlPathMatching(NOTES_PATH)).atPriority(10).willReturn(json("[]")));
        gitlab.stubFor(post(urlPathMatching(NOTES_PATH))
                .atPriority(10)
                .willReturn(json("{\"id\":5001}").withStatus(201)));
        gitlab.stubFor(put(urlPathMatching(NOTES_PATH + "/\\d+")).atPriority(10).willReturn(json("{\"id\":5001}")));
        gitlab.stubFor(get(urlPathMatching("/api/v4/version"))
                .atPriority(10)
                .willReturn(json("{\"version\":\"17.5.1-ee\",\"revision\":\"abc\"}")));
    }

    public static ResponseDefinitionBuilder json(String body) {
        return aResponse()
                .withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody(body);
    }

    /** A clean GitLab: earlier tests' jobs finished against it, no request recorded, no merge request known. */
    public static void reset(WireMockServer gitlab, Journal journal) {
        gitlab.resetAll();
        acceptAll(gitlab);
        journal.awaitIdle();
        gitlab.resetRequests();
        FakeGitLab.SHARED.reset();
    }
}
