package io.policygate.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The guard every WireMock-backed test ends with: a request no stub expected fails the test. */
class StubbedServersTest {

    @Test
    void aRequestNoStubExpectedFailsAndAStubbedOneDoesNot() throws Exception {
        WireMockServer server = new WireMockServer(0);
        server.start();
        try {
            server.stubFor(get(urlPathEqualTo("/api/v4/version")).willReturn(GitLabStubs.json("{}")));
            HttpClient http = HttpClient.newHttpClient();
            assertEquals(
                    200,
                    http.send(
                                    HttpRequest.newBuilder(URI.create(server.baseUrl() + "/api/v4/version"))
                                            .build(),
                                    HttpResponse.BodyHandlers.discarding())
                            .statusCode());
            StubbedServers.assertNoUnexpectedRequest(server);

            // WireMock answers 404 by itself: without the guard a test could take it for GitLab's answer.
            assertEquals(
                    404,
                    http.send(
                                    HttpRequest.newBuilder(URI.create(server.baseUrl() + "/api/v4/user"))
                                            .build(),
                                    HttpResponse.BodyHandlers.discarding())
                            .statusCode());
            AssertionError error =
                    assertThrows(AssertionError.class, () -> StubbedServers.assertNoUnexpectedRequest(server));
            assertTrue(
                    error.getMessage().contains("got requests no stub expected: [GET /api/v4/user]"),
                    error.getMessage());
        } finally {
            server.stop();
        }
    }
}
