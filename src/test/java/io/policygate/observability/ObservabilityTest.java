package io.policygate.observability;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.policygate.journal.JobState;
import io.policygate.testing.GitLabWireMock;
import io.policygate.testing.Payloads;
import io.policygate.testing.ServiceTest;
import io.policygate.testing.Webhooks;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** What an operator's probes and Prometheus see. */
@QuarkusTest
@WithTestResource(GitLabWireMock.class)
class ObservabilityTest extends ServiceTest {

    @Test
    void readinessMeansPoliciesLoadedAndJournalReachable() {
        given().get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("policies"))
                .body("checks.find { it.name == 'policies' }.data.policies", equalTo(3))
                .body("checks.name", hasItem("Database connections health check"));
        given().get("/q/health/live").then().statusCode(200);
        // GitLab's state is reported apart, so an outage never takes pods out of service.
        given().get("/q/health/group/gitlab").then().statusCode(200).body("checks[0].name", equalTo("gitlab"));
        given().get("/q/health/ready").then().body("checks.name", org.hamcrest.Matchers.not(hasItem("gitlab")));
    }

    @Test
    void metricsCountWebhooksVerdictsGitLabCallsQueueAndLatency() {
        journal.awaitState(Webhooks.accept(Payloads.raw(Payloads.SAMPLE)), JobState.REPORTED);
        given().contentType("application/json")
                .body("{}")
                .post("/webhooks/gitlab")
                .then()
                .statusCode(401);
        Webhooks.sendSigned("[]").statusCode(400);

        given().get("/q/metrics")
                .then()
                .statusCode(200)
                .body(containsString("policy_gate_webhooks_total{outcome=\"accepted\"}"))
                .body(containsString("policy_gate_webhooks_total{outcome=\"unauthorized\"}"))
                .body(containsString("policy_gate_webhooks_total{outcome=\"invalid\"}"))
                .body(containsString("policy_gate_verdicts_total{if_enforced=\"failed\",status=\"failed\"}"))
                .body(containsString(
                        "policy_gate_policy_results_total{mode=\"enforce\",policy=\"jira-ticket\",result=\"failed\"}"))
                .body(
                        containsString(
                                "policy_gate_gitlab_calls_total{endpoint=\"status_check_responses\",purpose=\"verdict\",status=\"201\"}"))
                .body(
                        containsString(
                                "policy_gate_gitlab_calls_total{endpoint=\"merge_request\",purpose=\"verdict\",status=\"200\"}"))
                .body(
                        containsString(
                                "policy_gate_gitlab_calls_total{endpoint=\"project_status_checks\",purpose=\"verdict\",status=\"200\"}"))
                .body(containsString(
                        "policy_gate_gitlab_calls_total{endpoint=\"compare\",purpose=\"verdict\",status=\"200\"}"))
                // No RateLimit-* headers from this GitLab: rate limits off, nothing known of a budget.
                .body(containsString("policy_gate_gitlab_budget_remaining NaN"))
                .body(containsString("policy_gate_gitlab_concurrency_limit "))
                .body(containsString("policy_gate_tampered_total 0.0"))
                .body(containsString("policy_gate_queue_depth"))
                .body(containsString("policy_gate_queue_oldest_seconds"))
                .body(containsString("policy_gate_dead_letters"))
                .body(containsString("policy_gate_webhook_to_report_seconds_bucket"))
                .body(containsString("policy_gate_gitlab_circuit_open 0.0"))
                // SmallRye Fault Tolerance's own: the breaker around each step, the retries within each read.
                .body(containsString("ft_circuitbreaker_state_current{method=\"gitlab\",state=\"closed\"} 1.0"))
                .body(containsString(
                        "ft_circuitbreaker_calls_total{circuitBreakerResult=\"success\",method=\"gitlab\"}"))
                .body(containsString("ft_retry_calls_total{method=\"gitlab-reads\",retried=\"false\","
                        + "retryResult=\"valueReturned\"}"));
    }
}
