package io.policygate.worker;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.policygate.journal.Job;
import io.policygate.journal.JobState;
import io.policygate.testing.ConfigMapPolicies;
import io.policygate.testing.InjectPolicyDir;
import io.policygate.testing.Payloads;
import io.policygate.testing.ServiceTest;
import io.policygate.testing.Webhooks;
import io.policygate.testing.WritablePolicies;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A step that fails in a way nothing foresaw (here a plug-in whose evidence cannot be recorded) is tried again after
 * a backoff, and after policy-gate.worker.max-step-failures (5) failures alike its job ends dead saying why: it was
 * claimed again at every lease, for ever. A dry run that fails so answers problem+json.
 */
@QuarkusTest
@TestProfile(WritablePolicies.class)
class StepFailuresTest extends ServiceTest {

    @InjectPolicyDir
    ConfigMapPolicies configMap;

    @Test
    void aDryRunThatFailsUnexpectedlyAnswersProblemJsonNotAStackTrace() {
        configMap.publishAndAwait(Map.of("leaky.yaml", "name: leaky\nrules:\n  - type: leaky-evidence\n"));
        journal.knowsProjects(6);

        given().header("Authorization", "Bearer test-api-token")
                .contentType("application/json")
                .body(Payloads.raw(Payloads.SAMPLE))
                .post("/api/v1/evaluate")
                .then()
                .statusCode(500)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:policy-gate:problem:internal"))
                .body("detail", startsWith("policy-gate failed unexpectedly (failure "))
                .body("detail", not(containsString("Connection")));
    }

    @AfterEach
    void harmlessPolicies() {
        configMap.publishAndAwait(
                Map.of("policy.yaml", "name: first\nrules:\n  - type: expression\n    expr: 'true'\n"));
    }

    @Test
    void aStepThatFailsTheSameWayFiveTimesEndsItsJobDeadSayingWhy() {
        configMap.publishAndAwait(Map.of("leaky.yaml", "name: leaky\nrules:\n  - type: leaky-evidence\n"));

        String id = Webhooks.accept(Payloads.forMergeRequest(Payloads.SAMPLE, 9601, Payloads.sha(9601)));
        Job dead = journal.awaitState(id, JobState.DEAD);

        assertTrue(
                dead.lastError()
                        .startsWith("its step failed 5 times in a row the same way (java.lang.IllegalStateException:"
                                + " a verdict is always serialisable)"),
                dead.lastError());
        assertEquals(null, dead.verdict(), "no verdict was recorded");
        gitlab.verify(0, postRequestedFor(urlPathMatching(".*/status_check_responses")));
    }
}
