package io.policygate.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.restassured.response.ValidatableResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Impact previews asked of the running service, for tests about what happens to a preview afterwards. */
public final class Previews {

    private Previews() {}

    /** Previews the shipped jira-ticket policy on project 101, which GitLab shows with no open merge request. */
    public static ValidatableResponse ofAProjectWithoutMergeRequests(WireMockServer gitlab, Journal journal)
            throws IOException {
        journal.knowsProjects(101);
        gitlab.stubFor(get(urlPathEqualTo("/api/v4/projects/101"))
                .willReturn(GitLabStubs.json("{\"id\": 101, \"path_with_namespace\": \"payments/api\"}")));
        gitlab.stubFor(
                get(urlPathEqualTo("/api/v4/projects/101/merge_requests")).willReturn(GitLabStubs.json("[]")));
        return given().header("Authorization", "Bearer test-api-token")
                .contentType("application/json")
                .body(Map.of(
                        "files",
                        Map.of("jira-ticket.yaml", Files.readString(Path.of("policies", "jira-ticket.yaml"))),
                        "projects",
                        List.of(101)))
                .post("/api/v1/policies/preview")
                .then();
    }
}
