package io.policygate.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;

/** GitLab's answers to status_check_responses, as WireMock stubs. */
public final class GitLabStubs {

    public static final String STATUS_PATH = "/api/v4/projects/6/merge_requests/4/status_check_responses";
    private static final String ANY_STATUS_PATH = "/api/v4/projects/\\d+/merge_requests/\\d+/status_check_responses";

    private GitLabStubs() {
    }

    public static MappingBuilder statusResponses() {
        return post(urlPathMatching(ANY_STATUS_PATH));
    }

    /** GitLab accepting every status (its 201 body is the stored response). */
    public static void acceptAll(WireMockServer gitlab) {
        gitlab.stubFor(statusResponses().willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json").withBody("{\"id\":1,\"status\":\"passed\"}")));
    }

    /** A clean GitLab: earlier tests' jobs finished against it, no request recorded. */
    public static void reset(WireMockServer gitlab, Journal journal) {
        gitlab.resetAll();
        acceptAll(gitlab);
        journal.awaitIdle();
        gitlab.resetRequests();
    }
}
