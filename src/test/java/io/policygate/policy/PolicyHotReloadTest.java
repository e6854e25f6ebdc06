package io.policygate.policy;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.policygate.journal.JobState;
import io.policygate.testing.ConfigMapPolicies;
import io.policygate.testing.GitLabWireMock;
import io.policygate.testing.InjectPolicyDir;
import io.policygate.testing.Payloads;
import io.policygate.testing.ServiceTest;
import io.policygate.testing.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.ValidatableResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** Policies reload from a Kubernetes-style ConfigMap mount; an invalid update never replaces a good set. */
@QuarkusTest
@TestProfile(PolicyHotReloadTest.Profile.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PolicyHotReloadTest extends ServiceTest {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(GitLabWireMock.class), new TestResourceEntry(ConfigMapPolicies.class));
        }
    }

    @InjectPolicyDir
    ConfigMapPolicies configMap;

    private static ValidatableResponse policies() {
        return given().header("Authorization", "Bearer test-api-token")
                .get("/api/v1/policies")
                .then()
                .statusCode(200);
    }

    private static List<String> names() {
        return policies().extract().path("policies.name");
    }

    @Test
    @Order(1)
    void aSwappedConfigMapIsPickedUpByThePoll() {
        assertEquals(List.of("first"), names());

        configMap.publish(Map.of(
                "policy.yaml",
                "name: second\nrules:\n  - type: labels\n    require: [reviewed]\n",
                "more.yaml",
                "name: third\nrules:\n  - type: draft\n"));

        await().atMost(Duration.ofSeconds(10)).until(() -> names().equals(List.of("third", "second")));
        String id = Webhooks.accept(Payloads.raw(Payloads.SAMPLE));
        String detail = journal.awaitState(id, JobState.REPORTED).verdictDetail();
        assertTrue(detail.contains("missing label reviewed"), detail);
    }

    @Test
    @Order(2)
    void anInvalidUpdateKeepsTheLastGoodSetAndSaysWhy() {
        configMap.publish(Map.of(
                "policy.yaml",
                "name: broken\nrules:\n  - type: ticket\n    pattern: '[A-Z'\n",
                "more.yaml",
                "name: third\nrules:\n  - type: draft\n"));

        await().atMost(Duration.ofSeconds(10)).until(() -> !policies().extract().<Boolean>path("lastLoad.ok"));
        policies()
                .body("policies.name", equalTo(List.of("third", "second")))
                .body("lastLoad.errors[0].line", equalTo(4))
                .body("lastLoad.errors[0].field", equalTo("rules[0].pattern"))
                .body("lastLoad.errors[0].file", containsString("policy.yaml"));
        given().header("Authorization", "Bearer test-api-token")
                .post("/api/v1/policies/reload")
                .then()
                .statusCode(422)
                .body("lastLoad.ok", equalTo(false));
        given().get("/q/metrics")
                .then()
                .statusCode(200)
                .body(containsString("policy_gate_policy_reloads_total{outcome=\"rejected\"}"))
                .body(containsString("policy_gate_policy_load_errors 1.0"));

        String id = Webhooks.accept(Payloads.raw(Payloads.SAMPLE));
        String detail = journal.awaitState(id, JobState.REPORTED).verdictDetail();
        assertTrue(detail.contains("missing label reviewed"), "the last good set decides: " + detail);
    }

    @Test
    @Order(3)
    void aFixedUpdateIsAppliedAgain() {
        configMap.publish(Map.of("policy.yaml", "name: fixed\nrules:\n  - type: draft\n"));

        await().atMost(Duration.ofSeconds(10)).until(() -> names().equals(List.of("fixed")));
        policies().body("lastLoad.ok", equalTo(true));
    }

    @Test
    @Order(4)
    void policiesFromAFolderCannotBePinnedToACommit() {
        given().header("Authorization", "Bearer test-api-token")
                .contentType("application/json")
                .body("{\"commit\": \"3f2a9c1e\", \"reason\": \"INC-1\"}")
                .post("/api/v1/policies/pin")
                .then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("detail", org.hamcrest.Matchers.containsString("policy-gate.policies.repository"));
        policies().body("pin", org.hamcrest.Matchers.nullValue());
    }
}
