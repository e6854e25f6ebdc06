package io.policygate.testing;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.util.List;

/** What every WireMock server a test stands up (GitLab, Jira, an HTTP rule's service) must hold to. */
public final class StubbedServers {

    private StubbedServers() {}

    /**
     * Fails when the server got a request that no stub matched (WireMock answers those 404 by itself, which a
     * test could mistake for the real service's answer): a new call cannot go untested.
     */
    public static void assertNoUnexpectedRequest(WireMockServer server) {
        List<String> unexpected = server.findAllUnmatchedRequests().stream()
                .map(r -> r.getMethod() + " " + r.getUrl())
                .toList();
        if (!unexpected.isEmpty()) {
            throw new AssertionError(server.baseUrl() + " got requests no stub expected: " + unexpected);
        }
    }
}
