package io.policygate.access;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.policygate.journal.JobState;
import io.policygate.testing.GitLabWireMock;
import io.policygate.testing.Payloads;
import io.policygate.testing.ServiceTest;
import io.policygate.testing.Webhooks;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * policy-gate.web.open=true: anyone who reaches policy-gate reads the pages without signing in, and nothing
 * else opens with them: the API, the API description and every change still need a token with its role.
 */
@QuarkusTest
@TestProfile(OpenPagesTest.Open.class)
@WithTestResource(GitLabWireMock.class)
class OpenPagesTest extends ServiceTest {

    @TestHTTPResource("/")
    URL root;

    public static class Open implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "policy-gate.web.open", "true", "policy-gate.db.url", "jdbc:h2:mem:open-pages;DB_CLOSE_DELAY=-1");
        }
    }

    @Test
    void anyoneReadsThePagesAndNothingElse() {
        String id = Webhooks.accept(Payloads.forMergeRequest(Payloads.SAMPLE, 9301, Payloads.sha(9301)));
        journal.awaitState(id, JobState.REPORTED);

        given().get("/").then().statusCode(200).body(containsString(id));
        given().get("/evaluations/" + id).then().statusCode(200);
        given().get("/preview").then().statusCode(200);

        given().get("/api/v1/evaluations").then().statusCode(401);
        given().get("/q/openapi").then().statusCode(401);
        given().post("/api/v1/policies/reload").then().statusCode(401);
        // A page is read, never changed, by a visitor: anything but GET and HEAD needs a token as before.
        given().post("/").then().statusCode(401);
    }

    /**
     * The access check and the router read a path alike: spellings the router would take for the API, or for
     * another path than they seem, are refused before either reads them; others are not pages, so they need a
     * token. Sent as raw requests: an HTTP client would tidy some of these paths before sending them.
     */
    @ParameterizedTest
    @CsvSource({
        "/api;x=1/v1/evaluations, 400",
        "/api;/v1/evaluations/export?from=2020-01-01, 400",
        "/api/v1/evaluations;x=1, 400",
        "/evaluations/x/..%2F..%2Fapi/v1/evaluations, 400",
        "/evaluations/%2e%2e/api/v1/evaluations, 400",
        "/./api/v1/evaluations, 400",
        "/evaluations/../api/v1/evaluations, 400",
        "//api/v1/evaluations, 400",
        "/api//v1/evaluations, 400",
        "/api\\v1\\evaluations, 400",
        "/api%5cv1/evaluations, 400",
        "/API/v1/evaluations, 401",
        "/Api/v1/evaluations/export?from=2020-01-01, 401",
        "/%61pi/v1/evaluations, 401",
        "/api/v1/evaluations, 401",
        "/q/openapi, 401",
        "/evaluations/x/extra, 401",
        "/Evaluations/x, 401"
    })
    void everySpellingOfAPathThatIsNotAPageNeedsAToken(String path, int status) throws IOException {
        String answer = rawGet(path);
        assertTrue(
                answer.startsWith("HTTP/1.1 " + status + " "),
                path + " -> " + answer.lines().findFirst().orElse(""));
        // A backslash the HTTP server itself refuses, with a bare 400; every other refusal says why.
        if (status == 400 && !path.contains("\\")) {
            assertTrue(answer.contains("urn:policy-gate:problem:path-not-canonical"), answer);
        }
    }

    private String rawGet(String path) throws IOException {
        try (Socket socket = new Socket(root.getHost(), root.getPort())) {
            socket.getOutputStream()
                    .write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.UTF_8));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
