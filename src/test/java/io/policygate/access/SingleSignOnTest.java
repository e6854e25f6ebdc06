package io.policygate.access;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.policygate.journal.JobState;
import io.policygate.testing.GitLabWireMock;
import io.policygate.testing.IdentityProvider;
import io.policygate.testing.InjectIdentityProvider;
import io.policygate.testing.Payloads;
import io.policygate.testing.ServiceTest;
import io.policygate.testing.Webhooks;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Pages behind single sign-on, end to end against an identity provider running in the test: the browser is sent
 * to the issuer, comes back with a code, policy-gate exchanges it with its client secret, checks the ID token's
 * signature against the issuer's keys, and gives the roles that the person's groups (groups_direct, as GitLab
 * sends them) are mapped to. Each redirect is followed by hand, as a browser would, keeping policy-gate's cookies.
 */
@QuarkusTest
@WithTestResource(GitLabWireMock.class)
@WithTestResource(IdentityProvider.class)
class SingleSignOnTest extends ServiceTest {

    @InjectIdentityProvider
    IdentityProvider issuer;

    @AfterEach
    void noUnexpectedIssuerCall() {
        issuer.assertNoUnexpectedRequest();
    }

    /** Signs {@code username} in from {@code path}, returning the cookies of the session policy-gate opened. */
    private Map<String, String> signIn(String path, String username, List<String> groups) {
        issuer.nextSignIn(username, groups);
        Map<String, String> cookies = new HashMap<>();
        Response callback = backFromTheIssuer(path, cookies);
        assertEquals(302, callback.statusCode(), callback.asString());
        assertTrue(URI.create(callback.header("Location")).getPath().equals(path), callback.header("Location"));
        cookies.putAll(callback.cookies());
        assertTrue(cookies.containsKey("q_session"), "a session cookie: " + cookies.keySet());
        return cookies;
    }

    /**
     * A browser asking for {@code path}: sent to the issuer, which signs it in and sends it back with a code;
     * policy-gate's answer to that return, with the cookies it set before in {@code cookies}.
     */
    private static Response backFromTheIssuer(String path, Map<String, String> cookies) {
        Response toIssuer = given().redirects().follow(false).get(path);
        assertEquals(302, toIssuer.statusCode(), toIssuer.asString());
        URI authorize = URI.create(toIssuer.header("Location"));
        assertTrue(authorize.getPath().equals("/oauth/authorize"), authorize.toString());
        assertTrue(authorize.getQuery().contains("client_id=" + IdentityProvider.CLIENT_ID), authorize.toString());
        cookies.putAll(toIssuer.cookies());

        // Sent on as the browser got it: the query is already encoded.
        Response back =
                given().urlEncodingEnabled(false).redirects().follow(false).get(authorize.toString());
        assertEquals(302, back.statusCode(), back.asString());

        return given().urlEncodingEnabled(false)
                .redirects()
                .follow(false)
                .cookies(cookies)
                .get(back.header("Location"));
    }

    @Test
    void aComplianceOfficerSignsInAtTheIssuerAndReadsThePages() {
        String id = Webhooks.accept(Payloads.forMergeRequest(Payloads.SAMPLE, 7721, Payloads.sha(7721)));
        journal.awaitState(id, JobState.REPORTED);

        Map<String, String> session = signIn("/", "jane.doe", List.of("bank", "bank/compliance"));

        given().cookies(session).get("/").then().statusCode(200).body(containsString(id));
        given().cookies(session).get("/evaluations/" + id).then().statusCode(200);
        // Her groups make her an operator: she may reload the policies with the same session.
        given().cookies(session).post("/api/v1/policies/reload").then().statusCode(200);
    }

    @Test
    void aMemberOfTheTopGroupIsAViewerAndMayNotReload() {
        Map<String, String> session = signIn("/preview", "dev.one", List.of("bank"));

        given().cookies(session).get("/preview").then().statusCode(200);
        given().cookies(session)
                .post("/api/v1/policies/reload")
                .then()
                .statusCode(403)
                .contentType("application/problem+json")
                .body("detail", startsWith("dev.one has roles [viewer], not the role this needs"));
    }

    @Test
    void someoneInNoListedGroupIsSignedInButMayReadNothing() {
        Map<String, String> session = signIn("/", "outsider", List.of("elsewhere", "operator"));

        given().cookies(session)
                .get("/")
                .then()
                .statusCode(403)
                .contentType("text/html")
                .body(containsString("Not allowed"))
                .body(containsString("outsider has no role"));
    }

    @Test
    void anIdTokenTheIssuerDidNotSignOpensNoSession() {
        issuer.nextSignInForged("mallory", List.of("bank/compliance"));

        Response callback = backFromTheIssuer("/", new HashMap<>());

        assertEquals(401, callback.statusCode(), callback.asString());
        assertTrue(
                !callback.cookies().containsKey("q_session"), callback.cookies().toString());
    }

    @Test
    void theApiStillAsksProgramsForATokenAndTokensStillOpenThePages() {
        given().redirects()
                .follow(false)
                .get("/api/v1/policies")
                .then()
                .statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", equalTo("Bearer"));
        given().header("Authorization", "Bearer test-dashboard-token")
                .get("/")
                .then()
                .statusCode(200);
        given().redirects()
                .follow(false)
                .header("Authorization", "Bearer wrong")
                .get("/")
                .then()
                .statusCode(401);
    }
}
