package io.policygate.policy.rules;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.policygate.policy.DataUnavailableException;
import io.policygate.policy.FakeMergeRequest;
import io.policygate.policy.Outcome;
import io.policygate.policy.RuleResult;
import io.policygate.testing.StubbedServers;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The http plug-in against a real HTTP server (WireMock) playing the external check. */
class HttpRuleTest {

    private WireMockServer service;

    @BeforeEach
    void start() {
        service = new WireMockServer(0);
        service.start();
    }

    @AfterEach
    void stop() {
        try {
            StubbedServers.assertNoUnexpectedRequest(service);
        } finally {
            service.stop();
        }
    }

    private RuleResult evaluate(String timeout, Integer retries) {
        return RuleTables.evaluate(
                HttpRule.TYPE,
                new HttpRule.Config(service.baseUrl() + "/check", timeout, retries, null),
                FakeMergeRequest.sample());
    }

    @Test
    void theServicesAnswerIsTheResultAndItGetsTheFacts() {
        service.stubFor(post("/check")
                .willReturn(aResponse()
                        .withStatus(200)
                        .withBody("{\"passed\": false, \"message\": \"no risk assessment attached\"}")));

        RuleResult result = evaluate(null, null);

        assertEquals(Outcome.FAILED, result.outcome());
        assertEquals("no risk assessment attached", result.message());
        service.verify(postRequestedFor(urlEqualTo("/check"))
                .withRequestBody(matchingJsonPath(
                        "$.mergeRequest.title",
                        com.github.tomakehurst.wiremock.client.WireMock.equalTo("Update README.md")))
                .withRequestBody(matchingJsonPath(
                        "$.project.id", com.github.tomakehurst.wiremock.client.WireMock.equalTo("6"))));
    }

    @Test
    void serverErrorsAreRetriedThenAnswered() {
        service.stubFor(post("/check")
                .inScenario("s")
                .whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(503))
                .willSetStateTo("up"));
        service.stubFor(post("/check")
                .inScenario("s")
                .whenScenarioStateIs("up")
                .willReturn(aResponse().withStatus(200).withBody("{\"passed\": true}")));

        assertEquals(Outcome.PASSED, evaluate(null, 1).outcome());
        assertEquals(2, service.findAll(postRequestedFor(urlEqualTo("/check"))).size());
    }

    @Test
    void persistentFailureIsAnErrorAfterTheRetries() {
        service.stubFor(post("/check").willReturn(aResponse().withStatus(500)));
        DataUnavailableException e = assertThrows(DataUnavailableException.class, () -> evaluate(null, 2));
        assertTrue(e.getMessage().contains("answered 500 (3 attempts)"), e.getMessage());
    }

    @Test
    void aPluginIsRetriedOnTheStatusesGitLabIsRetriedOnAndNoOthers() {
        service.stubFor(post("/check").willReturn(aResponse().withStatus(408)));
        DataUnavailableException e = assertThrows(DataUnavailableException.class, () -> evaluate(null, 2));
        assertTrue(e.getMessage().contains("answered 408 (3 attempts)"), e.getMessage());

        service.resetAll();
        service.stubFor(post("/check").willReturn(aResponse().withStatus(422)));
        DataUnavailableException refused = assertThrows(DataUnavailableException.class, () -> evaluate(null, 2));
        assertTrue(refused.getMessage().contains("answered 422"), refused.getMessage());
        assertEquals(
                1, service.findAll(postRequestedFor(urlEqualTo("/check"))).size(), "a 422 is the plug-in's answer");
    }

    @Test
    void timeoutIsAnError() {
        service.stubFor(post("/check")
                .willReturn(aResponse()
                        .withStatus(200)
                        .withBody("{\"passed\": true}")
                        .withFixedDelay((int) Duration.ofSeconds(2).toMillis())));
        DataUnavailableException e = assertThrows(DataUnavailableException.class, () -> evaluate("300ms", 0));
        assertTrue(e.getMessage().contains("could not be reached: HttpTimeoutException"), e.getMessage());
    }

    @Test
    void anAnswerLargerThanPolicyGateReadsIsAnErrorNotAPass() {
        // A valid "passed: true" followed by two megabytes: read in full it would pass.
        service.stubFor(post("/check")
                .willReturn(aResponse()
                        .withStatus(200)
                        .withBody("{\"passed\": true, \"message\": \"" + "x".repeat(2 << 20) + "\"}")));
        DataUnavailableException e = assertThrows(DataUnavailableException.class, () -> evaluate(null, 0));
        assertTrue(
                e.getMessage().contains("answered more than 1048576 bytes, more than policy-gate reads"),
                e.getMessage());
    }

    @Test
    void aTimeoutAboveThirtySecondsIsRefusedAtLoad() {
        InvalidRuleException e = assertThrows(
                InvalidRuleException.class,
                () -> HttpRule.TYPE.create(new HttpRule.Config("https://x.example", "31s", null, null)));
        assertEquals("timeout", e.field());
        assertTrue(e.getMessage().startsWith("must be at most 30s"), e.getMessage());
        HttpRule.TYPE.create(new HttpRule.Config("https://x.example", "30s", null, null));
    }

    @Test
    void answerWithoutPassedIsAnErrorNotAPass() {
        service.stubFor(post("/check").willReturn(aResponse().withStatus(200).withBody("{\"ok\": true}")));
        assertThrows(DataUnavailableException.class, () -> evaluate(null, 0));
        service.stubFor(post("/check").willReturn(aResponse().withStatus(404)));
        assertThrows(DataUnavailableException.class, () -> evaluate(null, 0));
    }

    @Test
    void configIsChecked() {
        InvalidRuleException url = assertThrows(
                InvalidRuleException.class,
                () -> HttpRule.TYPE.create(new HttpRule.Config("ftp://x", null, null, null)));
        assertEquals("url", url.field());
        InvalidRuleException timeout = assertThrows(
                InvalidRuleException.class,
                () -> HttpRule.TYPE.create(new HttpRule.Config("https://x", "soon", null, null)));
        assertEquals("timeout", timeout.field());
        assertEquals(Duration.ofMillis(1500), HttpRule.duration("PT1.5S"));
    }
}
