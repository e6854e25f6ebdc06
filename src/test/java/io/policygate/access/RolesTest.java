package io.policygate.access;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.policygate.testing.GitLabWireMock;
import io.policygate.testing.ServiceTest;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Who may call what, endpoint by endpoint, with the tokens an installation configures (application.properties,
 * test profile): {@code dashboard} (viewer), {@code ci} (previewer) and the one-person policy-gate.api.token
 * (every role). The table below is the roles table of docs/reference.md; every endpoint the service describes
 * must be in it, so a new one cannot go unchecked.
 */
@QuarkusTest
@WithTestResource(GitLabWireMock.class)
class RolesTest extends ServiceTest {

    /** method, the path as the API description names it, a path to call, the least role that may call it. */
    record Endpoint(String method, String described, String path, String role) {
        @Override
        public String toString() {
            return method + " " + path + " needs " + role;
        }
    }

    static final List<Endpoint> ENDPOINTS = List.of(
            new Endpoint("GET", "/", "/", Roles.VIEWER),
            new Endpoint("GET", "/evaluations/{id}", "/evaluations/01a00000-0000-7000-8000-000000000000", Roles.VIEWER),
            new Endpoint("GET", "/preview", "/preview", Roles.VIEWER),
            new Endpoint("GET", "/overview", "/overview", Roles.VIEWER),
            new Endpoint("GET", "/merges", "/merges", Roles.VIEWER),
            new Endpoint("GET", "/api/v1/merges", "/api/v1/merges", Roles.VIEWER),
            new Endpoint("GET", "/projects", "/projects", Roles.VIEWER),
            new Endpoint("GET", "/api/v1/projects", "/api/v1/projects", Roles.VIEWER),
            new Endpoint("GET", "/preview/{id}", "/preview/unknown", Roles.VIEWER),
            new Endpoint("GET", "/api/v1/evaluations", "/api/v1/evaluations", Roles.VIEWER),
            new Endpoint(
                    "GET", "/api/v1/evaluations/export", "/api/v1/evaluations/export?from=2020-01-01", Roles.VIEWER),
            new Endpoint("GET", "/api/v1/evaluations/{id}", "/api/v1/evaluations/unknown", Roles.VIEWER),
            new Endpoint(
                    "GET",
                    "/api/v1/evaluations/{id}/attestation",
                    "/api/v1/evaluations/unknown/attestation",
                    Roles.VIEWER),
            new Endpoint("GET", "/api/v1/policies", "/api/v1/policies", Roles.VIEWER),
            new Endpoint("GET", "/api/v1/policies/preview", "/api/v1/policies/preview", Roles.VIEWER),
            new Endpoint("GET", "/api/v1/policies/preview/{id}", "/api/v1/policies/preview/unknown", Roles.VIEWER),
            new Endpoint("GET", "/q/openapi", "/q/openapi", Roles.VIEWER),
            new Endpoint("POST", "/api/v1/evaluate", "/api/v1/evaluate", Roles.PREVIEWER),
            new Endpoint("POST", "/api/v1/policies/preview", "/api/v1/policies/preview", Roles.PREVIEWER),
            new Endpoint("POST", "/api/v1/policies/reload", "/api/v1/policies/reload", Roles.OPERATOR),
            new Endpoint("POST", "/api/v1/policies/pin", "/api/v1/policies/pin", Roles.OPERATOR),
            new Endpoint("DELETE", "/api/v1/policies/pin", "/api/v1/policies/pin", Roles.OPERATOR),
            new Endpoint("POST", "/api/v1/registered-checks", "/api/v1/registered-checks", Roles.OPERATOR));

    /**
     * Public: GitLab signs its webhooks and its compliance centre's requests, the platform reads probes and metrics
     * without a token, and the decision records' public keys are for anyone who verifies them.
     */
    static final Set<String> PUBLIC = Set.of("POST /webhooks/gitlab", "POST /compliance/gitlab", "GET /api/v1/keys");

    /** The tokens of the test profile and the role each was given. */
    static final Map<String, String> TOKENS = Map.of(
            "test-dashboard-token", Roles.VIEWER,
            "test-ci-token", Roles.PREVIEWER,
            "test-api-token", Roles.OPERATOR);

    static Stream<Arguments> callsWithEachToken() {
        return ENDPOINTS.stream()
                .flatMap(endpoint -> TOKENS.entrySet().stream()
                        .map(token -> Arguments.of(endpoint, token.getKey(), token.getValue())));
    }

    private static Response call(Endpoint endpoint, RequestSpecification request) {
        return request.redirects()
                .follow(false)
                .contentType("application/json")
                .request(endpoint.method(), endpoint.path());
    }

    @ParameterizedTest
    @MethodSource("callsWithEachToken")
    void aTokenReachesWhatItsRoleIncludesAndIsRefusedTheRest(Endpoint endpoint, String token, String role) {
        Response answer = call(endpoint, given().header("Authorization", "Bearer " + token));
        boolean allowed = Roles.ALL.indexOf(role) <= Roles.ALL.indexOf(endpoint.role());
        if (allowed) {
            assertTrue(
                    answer.statusCode() != 401 && answer.statusCode() != 403,
                    endpoint + ": " + token + " (" + role + ") got " + answer.statusCode() + " " + answer.asString());
            return;
        }
        boolean page = !endpoint.path().startsWith("/api/") && !endpoint.path().startsWith("/q/");
        answer.then()
                .statusCode(403)
                .contentType(page ? "text/html" : "application/problem+json")
                .body(allOf(
                        containsString(
                                token.equals("test-ci-token")
                                        ? "ci has roles [previewer, viewer]"
                                        : "dashboard has roles [viewer]"),
                        not(containsString(token))));
    }

    @Test
    void withoutATokenEveryEndpointAsksForOne() {
        for (Endpoint endpoint : ENDPOINTS) {
            boolean page =
                    !endpoint.path().startsWith("/api/") && !endpoint.path().startsWith("/q/");
            Response answer = call(endpoint, given());
            assertEquals(401, answer.statusCode(), endpoint + " " + answer.asString());
            assertTrue(
                    answer.header("WWW-Authenticate").startsWith(page ? "Basic realm=\"policy-gate\"" : "Bearer"),
                    endpoint + " " + answer.headers());
        }
    }

    @Test
    void aRevokedOrMistypedTokenIsAsNoToken() {
        given().header("Authorization", "Bearer test-ci-token-old")
                .get("/api/v1/policies")
                .then()
                .statusCode(401)
                .contentType("application/problem+json")
                .body("detail", equalTo("the token sent is not one policy-gate accepts (mistyped, or revoked)"));
    }

    @Test
    void anEndpointNobodyGaveRolesIsRefusedToEveryone() {
        for (String token : TOKENS.keySet()) {
            given().header("Authorization", "Bearer " + token)
                    .get("/api/v1/forgotten")
                    .then()
                    .statusCode(403)
                    .contentType("application/problem+json")
                    .body(not(containsString("nobody should read this")));
        }
        given().get("/api/v1/forgotten").then().statusCode(401);
    }

    @Test
    void everyEndpointTheServiceDescribesIsInTheTable() throws Exception {
        JsonNode description = new ObjectMapper()
                .readTree(given().header("Authorization", "Bearer test-dashboard-token")
                        .get("/q/openapi?format=json")
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString());
        Set<String> described = new TreeSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths =
                        description.path("paths").fields();
                paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            path.getValue()
                    .fieldNames()
                    .forEachRemaining(method -> described.add(method.toUpperCase() + " " + path.getKey()));
        }
        Set<String> inTable = new TreeSet<>(PUBLIC);
        ENDPOINTS.forEach(e -> inTable.add(e.method() + " " + e.described()));
        described.removeAll(inTable);
        assertEquals(Set.of(), described, "endpoints with no row in RolesTest.ENDPOINTS (and docs/reference.md)");
    }

    @Test
    void theReferenceListsEveryEndpointUnderTheLeastRoleThatMayCallIt() throws Exception {
        Map<String, Set<String>> documented = new TreeMap<>();
        Pattern row = Pattern.compile("^\\| (— \\(public\\)|`(\\w+)`) \\|[^|]*\\| (.*) \\|$");
        Pattern endpoint = Pattern.compile("`((?:GET|POST|PUT|PATCH|DELETE) /[^`]*)`");
        boolean inTable = false;
        for (String line : Files.readAllLines(Path.of("docs/reference.md"))) {
            if (line.startsWith("## ")) {
                inTable = line.equals("## Endpoints and roles");
            }
            Matcher matcher = row.matcher(line);
            if (inTable && matcher.matches()) {
                String role = matcher.group(2) == null ? "public" : matcher.group(2);
                Matcher endpoints = endpoint.matcher(matcher.group(3));
                while (endpoints.find()) {
                    documented.computeIfAbsent(role, r -> new TreeSet<>()).add(endpoints.group(1));
                }
            }
        }
        Map<String, Set<String>> existing = new TreeMap<>();
        existing.put("public", new TreeSet<>(PUBLIC));
        ENDPOINTS.forEach(
                e -> existing.computeIfAbsent(e.role(), r -> new TreeSet<>()).add(e.method() + " " + e.described()));
        assertEquals(existing, documented, "docs/reference.md's roles table against RolesTest.ENDPOINTS");
    }

    @Test
    void probesMetricsAndTheStyleSheetArePublicAndEveryAnswerCarriesTheSecurityHeaders() {
        for (String path : List.of("/q/health/ready", "/q/metrics", "/pages.css", "/api/v1/keys")) {
            given().get(path)
                    .then()
                    .statusCode(200)
                    .header("Content-Security-Policy", containsString("default-src 'none'"))
                    .header("X-Frame-Options", "DENY")
                    .header("X-Content-Type-Options", "nosniff")
                    .header("Referrer-Policy", "no-referrer");
        }
        // The pages run no script and need no inline style: the policy allows neither.
        given().header("Authorization", "Bearer test-dashboard-token")
                .get("/")
                .then()
                .statusCode(200)
                .header(
                        "Content-Security-Policy",
                        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self';"
                                + " frame-ancestors 'none'; base-uri 'none'")
                .body(allOf(
                        not(containsString("<script")), not(containsString("<style")), not(containsString("style="))));
    }
}
