package io.policygate.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.policygate.journal.EvaluationRecords;
import io.policygate.journal.JobState;
import io.policygate.testing.GitLabWireMock;
import io.policygate.testing.Payloads;
import io.policygate.testing.ServiceTest;
import io.policygate.testing.Webhooks;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** GET /api/v1/evaluations: filters, cursor paging, one evaluation in full, bad parameters, retention. */
@QuarkusTest
@WithTestResource(GitLabWireMock.class)
class HistoryApiTest extends ServiceTest {

    @Inject
    EvaluationRecords records;

    private static RequestSpecification api() {
        return given().header("Authorization", "Bearer test-api-token");
    }

    private String evaluate(String fixture, int iid) {
        String id = Webhooks.accept(Payloads.forMergeRequest(fixture, iid, Payloads.sha(iid)));
        journal.awaitState(id, JobState.REPORTED);
        return id;
    }

    @Test
    void listsNewestFirstFiltersAndPagesWithACursor() {
        String failed = evaluate(Payloads.SAMPLE, 9001);
        String passed = evaluate(Payloads.COMPLIANT, 9002);
        String newest = evaluate(Payloads.COMPLIANT, 9003);

        api().get("/api/v1/evaluations?project=6&mr=9001")
                .then()
                .statusCode(200)
                .body("evaluations", hasSize(1))
                .body("evaluations[0].id", equalTo(failed))
                .body("evaluations[0].verdict", equalTo("failed"))
                .body("evaluations[0].state", equalTo("reported"))
                .body("evaluations[0].sha", equalTo(Payloads.sha(9001)))
                .body("evaluations[0].summary", equalTo("failed: compliance-review, jira-ticket"));
        List<String> passedIds = api().get("/api/v1/evaluations?status=passed&limit=200")
                .then()
                .statusCode(200)
                .extract()
                .path("evaluations.id");
        assertEquals(true, passedIds.containsAll(List.of(passed, newest)) && !passedIds.contains(failed));

        String cursor = api().get("/api/v1/evaluations?limit=1")
                .then()
                .statusCode(200)
                .body("evaluations[0].id", equalTo(newest))
                .extract()
                .path("nextCursor");
        String second = api().get("/api/v1/evaluations?limit=1&cursor=" + cursor)
                .then()
                .statusCode(200)
                .extract()
                .path("evaluations[0].id");
        assertEquals(passed, second);
    }

    @Test
    void oneEvaluationExplainsItselfWithPolicyVersionsAndGitLabsAnswers() {
        String id = evaluate(Payloads.SAMPLE, 9010);
        List<String> hashesInForce =
                api().get("/api/v1/policies").then().extract().path("files.sha256");

        api().get("/api/v1/evaluations/" + id)
                .then()
                .statusCode(200)
                .body("evaluation.id", equalTo(id))
                .body("mergeRequest.title", equalTo("Update README.md"))
                .body("mergeRequest.projectPath", equalTo("flightjs/Flight"))
                .body("verdict.status", equalTo("failed"))
                .body("verdict.policies.policy", hasItems("jira-ticket", "compliance-review", "protected-paths"))
                .body(
                        "verdict.policies.find { it.policy == 'jira-ticket' }.rules[0].evidence.seen.title",
                        equalTo("Update README.md"))
                .body("policyFiles.sha256", equalTo(hashesInForce))
                .body("reportAttempts", hasSize(1))
                .body("reportAttempts[0].httpStatus", equalTo(201))
                .body("reportAttempts[0].outcome", equalTo("delivered"));
    }

    @ParameterizedTest
    @CsvSource({
        "project=abc, project",
        "project=-1, project",
        "mr=0, mr",
        "limit=0, limit",
        "limit=201, limit",
        "status=done, status",
        "cursor=bm90LWEtY3Vyc29y, cursor",
        "cursor=%25%25, cursor"
    })
    void badParametersAre400NamingThem(String query, String parameter) {
        api().get("/api/v1/evaluations?" + query)
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("field", equalTo(parameter));
    }

    @Test
    void theApiIsDescribedInOpenApi() {
        JsonPath openApi = given().header("Authorization", "Bearer test-dashboard-token")
                .get("/q/openapi?format=json")
                .then()
                .statusCode(200)
                .body(
                        "paths.keySet()",
                        hasItems(
                                "/api/v1/evaluations",
                                "/api/v1/evaluations/{id}",
                                "/api/v1/evaluate",
                                "/api/v1/policies",
                                "/webhooks/gitlab"))
                .body("components.securitySchemes.apiToken.type", equalTo("http"))
                .body("components.securitySchemes.apiToken.scheme", equalTo("bearer"))
                .body("components.securitySchemes.gitlabSignature.name", equalTo("X-Gitlab-Signature"))
                .body("components.securitySchemes.gitlabToken.name", equalTo("X-Gitlab-Token"))
                .body("components.securitySchemes.standardWebhookSignature.name", equalTo("webhook-signature"))
                .extract()
                .jsonPath();

        // A client generated from the description knows to send the token on every API operation.
        Map<String, Map<String, Map<String, Object>>> paths = openApi.getMap("paths");
        List<String> operations = new ArrayList<>();
        paths.forEach((path, methods) -> methods.forEach((method, operation) -> {
            // The decision records' public keys are for anyone who verifies a record: no token.
            if (path.startsWith("/api/v1/") && !path.equals("/api/v1/keys")) {
                operations.add(method + " " + path);
                assertEquals(List.of(Map.of("apiToken", List.of())), operation.get("security"), method + " " + path);
            }
        }));
        assertTrue(operations.size() >= 8, operations.toString());
        assertEquals(
                List.of(
                        Map.of("gitlabSignature", List.of()),
                        Map.of("gitlabToken", List.of()),
                        Map.of("standardWebhookSignature", List.of())),
                openApi.getList("paths.'/webhooks/gitlab'.post.security"));
    }

    @Test
    void unknownEvaluationIs404AndTheHistoryNeedsTheToken() {
        api().get("/api/v1/evaluations/00000000-0000-0000-0000-000000000000")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("field", nullValue());
        given().get("/api/v1/evaluations").then().statusCode(401);
    }

    @Test
    void retentionDeletesFinishedEvaluationsAndTheirAttempts() {
        String old = evaluate(Payloads.COMPLIANT, 9020);
        assertNotEquals(0, records.prune(Instant.now().plusSeconds(1), Instant.EPOCH));
        api().get("/api/v1/evaluations/" + old).then().statusCode(404);
        assertEquals(List.of(), records.attempts(old));
    }
}
