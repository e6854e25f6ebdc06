package io.policygate.web;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.policygate.journal.JobState;
import io.policygate.testing.GitLabWireMock;
import io.policygate.testing.Payloads;
import io.policygate.testing.ServiceTest;
import io.policygate.testing.Webhooks;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The pages over HTTP: who may see them, what they say, and what a bad request gets back. */
@QuarkusTest
@WithTestResource(GitLabWireMock.class)
class PagesTest extends ServiceTest {

    private static RequestSpecification signedIn() {
        return given().auth().preemptive().basic("alice", "test-api-token");
    }

    private String reported(String fixture, int iid) {
        String id = Webhooks.accept(Payloads.forMergeRequest(fixture, iid, Payloads.sha(iid)));
        journal.awaitState(id, JobState.REPORTED);
        return id;
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/evaluations/anything", "/?status=failed"})
    void withoutTheTokenTheBrowserIsAskedToSignInAndSeesNothingElse(String path) {
        String id = reported(Payloads.SAMPLE, 8001);
        given().get(path)
                .then()
                .statusCode(401)
                .header("WWW-Authenticate", startsWith("Basic realm=\"policy-gate\""))
                .contentType(containsString("text/html"))
                .body(allOf(
                        containsString("Sign in"),
                        not(containsString(id)),
                        not(containsString("Update README.md")),
                        not(containsString("test-api-token"))));
        given().auth().preemptive().basic("alice", "wrong").get(path).then().statusCode(401);
        given().header("Authorization", "Bearer wrong").get(path).then().statusCode(401);
    }

    @Test
    void theTokenOpensThePagesAsBasicPasswordOrBearer() {
        String id = reported(Payloads.SAMPLE, 8002);
        signedIn()
                .get("/")
                .then()
                .statusCode(200)
                .contentType(containsString("text/html"))
                .body(containsString("href=\"/evaluations/" + id + "\""));
        given().header("Authorization", "Bearer test-api-token")
                .get("/evaluations/" + id)
                .then()
                .statusCode(200)
                .body(containsString("Why, rule by rule"));
    }

    @Test
    void theListShowsVerdictProjectLinkedMergeRequestShaAndTime() {
        String id = reported(Payloads.SAMPLE, 8003);
        String gitlabUrl = gitlab.baseUrl();
        signedIn()
                .get("/?mr=8003")
                .then()
                .statusCode(200)
                .body(containsString("<span class=\"badge failed\">failed</span>"))
                .body(containsString("flightjs/Flight"))
                .body(containsString("<a href=\"" + gitlabUrl + "/flightjs/Flight/-/merge_requests/8003\">!8003</a>"))
                .body(containsString("<code>" + Payloads.sha(8003).substring(0, 8) + "</code>"))
                .body(containsString("/evaluations/" + id));
    }

    @Test
    void anUnknownEvaluationIsA404PageAndA404Problem() {
        signedIn()
                .get("/evaluations/no-such-id")
                .then()
                .statusCode(404)
                .contentType(containsString("text/html"))
                .body(containsString("no evaluation no-such-id"));
        given().header("Authorization", "Bearer test-api-token")
                .get("/api/v1/evaluations/no-such-id")
                .then()
                .statusCode(404)
                .contentType(containsString("application/problem+json"))
                .body("detail", containsString("no evaluation no-such-id"));
    }

    @ParameterizedTest
    @CsvSource({
        "project=abc, project must be a positive whole number",
        "mr=-4, mr must be a positive whole number",
        "status=great, status must be one of",
        "cursor=xyz, cursor is not a cursor"
    })
    void aBadFilterIsA400PageNamingTheParameter(String query, String message) {
        signedIn()
                .get("/?" + query)
                .then()
                .statusCode(400)
                .contentType(containsString("text/html"))
                .body(containsString(message));
    }

    @Test
    void textFromTheMergeRequestIsEscaped() {
        ObjectNode payload = Payloads.json(Payloads.SAMPLE);
        ((ObjectNode) payload.get("object_attributes"))
                .put("title", "<script>alert(1)</script>")
                .put("iid", 8004);
        String id = Webhooks.accept(Payloads.write(payload));
        journal.awaitState(id, JobState.REPORTED);
        signedIn()
                .get("/evaluations/" + id)
                .then()
                .statusCode(200)
                .body(not(containsString("<script>alert(1)")))
                .body(containsString("&lt;script&gt;alert(1)&lt;/script&gt;"));
    }

    @Test
    void anEmptyFilterResultSaysSo() {
        signedIn()
                .get("/?project=999999")
                .then()
                .statusCode(200)
                .body(containsString("No evaluation yet matches this filter."));
    }
}
