package io.policygate.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;

/** GitLab's answers to status_check_responses, as WireMock stubs. */
public final class GitLabStubs {

    public static final String STATUS_PATH = "/api/v4/projects/6/merge_requests/4/status_check_responses";
    private static final String MR_PATH = "/api/v4/projects/\\d+/merge_requests/\\d+";
    private static final String ANY_STATUS_PATH = MR_PATH + "/status_check_responses";

    private GitLabStubs() {
    }

    public static MappingBuilder statusResponses() {
        return post(urlPathMatching(ANY_STATUS_PATH));
    }

    /** The notes of any merge request. */
    public static final String NOTES_PATH = MR_PATH + "/notes";
    /** The id of the user the test token belongs to (GET /user). */
    public static final long BOT_USER_ID = 99;

    /**
     * GitLab accepting every status (its 201 body is the stored response), answering reads of a merge
     * request with no changes, no commits, no notes and the sample's author, and taking notes.
     */
    public static void acceptAll(WireMockServer gitlab) {
        gitlab.stubFor(statusResponses().willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json").withBody("{\"id\":1,\"status\":\"passed\"}")));
        gitlab.stubFor(get(urlPathMatching(MR_PATH + "/(diffs|commits)")).atPriority(10).willReturn(json("[]")));
        gitlab.stubFor(get(urlPathMatching(MR_PATH)).atPriority(10)
                .willReturn(json("{\"iid\":4,\"author\":{\"id\":1,\"username\":\"root\"}}")));
        gitlab.stubFor(get(urlPathMatching("/api/v4/user")).atPriority(10)
                .willReturn(json("{\"id\":" + BOT_USER_ID + ",\"username\":\"policy-gate-bot\"}")));
        gitlab.stubFor(get(urlPathMatching(NOTES_PATH)).atPriority(10).willReturn(json("[]")));
        gitlab.stubFor(post(urlPathMatching(NOTES_PATH)).atPriority(10)
                .willReturn(json("{\"id\":5001}").withStatus(201)));
        gitlab.stubFor(put(urlPathMatching(NOTES_PATH + "/\\d+")).atPriority(10).willReturn(json("{\"id\":5001}")));
        gitlab.stubFor(get(urlPathMatching("/api/v4/version")).atPriority(10)
                .willReturn(json("{\"version\":\"17.5.1-ee\",\"revision\":\"abc\"}")));
    }

    public static ResponseDefinitionBuilder json(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body);
    }

    /** A clean GitLab: earlier tests' jobs finished against it, no request recorded. */
    public static void reset(WireMockServer gitlab, Journal journal) {
        gitlab.resetAll();
        acceptAll(gitlab);
        journal.awaitIdle();
        gitlab.resetRequests();
    }
}
