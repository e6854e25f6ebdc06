package io.policygate.api;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.policygate.testing.FakeGitLab;
import io.policygate.testing.GitLabWireMock;
import io.policygate.testing.Payloads;
import io.policygate.testing.ServiceTest;
import io.policygate.testing.Webhooks;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** /api/v1: the dry-run evaluation and the policies in force, behind the API token. */
@QuarkusTest
@WithTestResource(GitLabWireMock.class)
class ApiTest extends ServiceTest {

    private static RequestSpecification api() {
        return given().header("Authorization", "Bearer test-api-token");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Bearer wrong", "Basic dGVzdC1hcGktdG9rZW4=", "test-api-token"})
    void withoutTheTokenNothingIsAnswered(String authorization) {
        var request = given();
        if (!authorization.isEmpty()) {
            request.header("Authorization", authorization);
        }
        request.get("/api/v1/policies")
                .then()
                .statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", "Bearer")
                .body(
                        "detail",
                        equalTo(
                                authorization.startsWith("Bearer ")
                                        ? "the token sent is not one policy-gate accepts (mistyped, or revoked)"
                                        : "send Authorization: Bearer <token> with a token configured in"
                                                + " policy-gate.api.tokens"));
    }

    @Test
    void evaluateExplainsTheVerdictRuleByRuleAndReportsNothing() {
        // GitLab has the sample's merge request at its commit, without changes (protected-paths reads them).
        FakeGitLab.SHARED.sent(Payloads.raw(Payloads.SAMPLE));
        journal.knowsProjects(6);
        long jobs = journal.jobCount();

        api().contentType("application/json")
                .body(Payloads.raw(Payloads.SAMPLE))
                .post("/api/v1/evaluate")
                .then()
                .statusCode(200)
                .body("projectId", equalTo(6))
                .body("mergeRequestIid", equalTo(4))
                .body("sha", equalTo(Payloads.SAMPLE_SHA))
                .body("verdict.status", equalTo("failed"))
                .body("verdict.summary", equalTo("failed: compliance-review, jira-ticket"))
                .body("verdict.policies.policy", hasItems("compliance-review", "jira-ticket", "protected-paths"))
                .body("verdict.policies.find { it.policy == 'jira-ticket' }.rules[0].outcome", equalTo("failed"))
                .body(
                        "verdict.policies.find { it.policy == 'jira-ticket' }.rules[0].evidence.seen.title",
                        equalTo("Update README.md"))
                .body(
                        "verdict.policies.find { it.policy == 'jira-ticket' }.rules[0].evidence.expected",
                        containsString("with project key in [PAY, OPS]"))
                .body("verdict.policies.find { it.policy == 'protected-paths' }.rules[0].outcome", equalTo("passed"));

        assertEquals(jobs, journal.jobCount());
        gitlab.verify(0, postRequestedFor(urlPathMatching(".*/status_check_responses")));
    }

    @Test
    void aProjectOnlyASignedBodyNamedIsNotOneADryRunMayRead() {
        // Signed with the shared secret, but GitLab knows no such project: the job dies without facts from GitLab.
        com.fasterxml.jackson.databind.node.ObjectNode event = Payloads.json(Payloads.SAMPLE);
        event.withObject("/project").put("id", 4343).put("path_with_namespace", "vault/keys");
        String id = Webhooks.forged(Payloads.write(event))
                .post("/webhooks/gitlab")
                .then()
                .statusCode(202)
                .extract()
                .path("evaluationId");
        journal.awaitState(id, io.policygate.journal.JobState.DEAD);

        api().contentType("application/json")
                .body(Payloads.with(Payloads.SAMPLE, "/project/id", 4343))
                .post("/api/v1/evaluate")
                .then()
                .statusCode(403)
                .body("type", equalTo("urn:policy-gate:problem:scope-not-allowed"));
        given().header("Authorization", "Bearer test-ci-token")
                .contentType("application/json")
                .body(Map.of(
                        "projects",
                        List.of("vault/keys"),
                        "files",
                        Map.of("a.yaml", "name: a\nrules:\n  - type: expression\n    expr: 'true'\n")))
                .post("/api/v1/policies/preview")
                .then()
                .statusCode(403)
                .body("type", equalTo("urn:policy-gate:problem:scope-not-allowed"));
    }

    @Test
    void aDryRunOfAProjectPolicyGateHasNeverSeenIsRefusedBeforeGitLabIsAsked() {
        // The body names a project; that is no evidence of what the caller may read.
        String body = Payloads.with(Payloads.SAMPLE, "/project/id", 4242);
        api().contentType("application/json")
                .body(body)
                .post("/api/v1/evaluate")
                .then()
                .statusCode(403)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:policy-gate:problem:scope-not-allowed"))
                .body("field", equalTo("project.id"))
                .body("detail", startsWith("project '4242' is outside what previews and dry runs may read"));
        gitlab.verify(0, anyRequestedFor(anyUrl()));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "project.id missing, /project/id, , project.id",
        // What policies read of a payload in a dry run (a webhook's job reads GitLab's answers instead).
        "labels an object, /object_attributes/labels, '{\"title\":\"x\"}', object_attributes.labels",
        "label without title, /object_attributes/labels, '[{}]', object_attributes.labels[0].title",
        "draft a string, /object_attributes/work_in_progress, '\"yes\"', object_attributes.work_in_progress"
    })
    void evaluateRefusesBadPayloadsNamingTheField(String name, String pointer, String json, String field)
            throws Exception {
        String body = json == null
                ? Payloads.without(Payloads.SAMPLE, pointer)
                : Payloads.with(Payloads.SAMPLE, pointer, new ObjectMapper().readTree(json));
        api().contentType("application/json")
                .body(body)
                .post("/api/v1/evaluate")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("field", equalTo(field));
    }

    @Test
    void policiesListsWhatIsInForceWithFilesAndHashes() {
        api().get("/api/v1/policies")
                .then()
                .statusCode(200)
                .body("policies", hasSize(3))
                .body("policies.find { it.name == 'jira-ticket' }.rules", equalTo(java.util.List.of("ticket")))
                .body("policies.find { it.name == 'jira-ticket' }.file", equalTo("policies/jira-ticket.yaml"))
                .body("files", hasSize(3))
                .body("files[0].sha256.size()", equalTo(64))
                .body("lastLoad.ok", equalTo(true))
                .body("lastLoad.errors", hasSize(0));
    }
}
