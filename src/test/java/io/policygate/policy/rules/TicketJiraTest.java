package io.policygate.policy.rules;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.policygate.policy.DataUnavailableException;
import io.policygate.policy.FakeMergeRequest;
import io.policygate.policy.FakeMergeRequestData;
import io.policygate.policy.MergeRequestData;
import io.policygate.policy.Outcome;
import io.policygate.policy.RuleContext;
import io.policygate.policy.RuleResult;
import io.policygate.testing.StubbedServers;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The ticket rule's Jira check, with WireMock playing Jira's REST API. */
class TicketJiraTest {

    private WireMockServer jira;
    private Rule rule;

    @BeforeEach
    void start() {
        jira = new WireMockServer(0);
        jira.start();
        issue("PAY-1", 200, "{\"key\":\"PAY-1\",\"fields\":{\"status\":{\"name\":\"In Progress\"}}}");
        issue("PAY-2", 404, "{\"errorMessages\":[\"Issue Does Not Exist\"]}");
        issue("PAY-3", 200, "{\"key\":\"PAY-3\",\"fields\":{\"status\":{\"name\":\"Done\"}}}");
        issue("OPS-9", 503, "");
        rule = TicketRule.TYPE.create(new TicketRule.Config(
                List.of("title"),
                null,
                List.of("PAY", "OPS"),
                new TicketRule.Jira(
                        jira.baseUrl() + "/", "TEST_JIRA_TOKEN", null, List.of("In Progress", "In Review"))));
    }

    @AfterEach
    void stop() {
        try {
            StubbedServers.assertNoUnexpectedRequest(jira);
        } finally {
            jira.stop();
        }
    }

    private void issue(String key, int status, String body) {
        jira.stubFor(get(urlEqualTo("/rest/api/2/issue/" + key + "?fields=status"))
                .willReturn(aResponse()
                        .withStatus(status)
                        .withHeader("Content-Type", "application/json")
                        .withBody(body)));
    }

    private RuleResult evaluate(String title) {
        return rule.evaluate(new RuleContext(
                FakeMergeRequest.sample().withTitle(title),
                MergeRequestData.NONE,
                java.time.Instant.parse("2026-12-03T12:00:00Z")));
    }

    @Test
    void ticketInAnAllowedStatePasses() {
        RuleResult result = evaluate("PAY-1 Update README");
        assertEquals(Outcome.PASSED, result.outcome());
        assertEquals("references PAY-1 (In Progress)", result.message());
        assertEquals(Map.of("PAY-1", "In Progress"), result.evidence().seen().get("jira"));
        jira.verify(getRequestedFor(urlEqualTo("/rest/api/2/issue/PAY-1?fields=status"))
                .withHeader("Authorization", equalTo("Bearer test-jira-token")));
    }

    @Test
    void unknownTicketAndWrongStateFail() {
        assertEquals("PAY-2 does not exist in Jira", evaluate("PAY-2 fix").message());
        assertEquals(
                "PAY-3 is Done, not one of [In Progress, In Review]",
                evaluate("PAY-3 fix").message());
        assertEquals(Outcome.PASSED, evaluate("PAY-3 and PAY-1").outcome());
    }

    @Test
    void answersAreCached() {
        evaluate("PAY-1");
        evaluate("PAY-1 again");
        jira.verify(1, getRequestedFor(urlEqualTo("/rest/api/2/issue/PAY-1?fields=status")));
    }

    @Test
    void jiraDownIsRetriedThenAnError() {
        DataUnavailableException e = assertThrows(DataUnavailableException.class, () -> evaluate("OPS-9"));
        assertTrue(e.getMessage().contains("Jira answered 503 (3 attempts)"), e.getMessage());
        jira.verify(3, getRequestedFor(urlEqualTo("/rest/api/2/issue/OPS-9?fields=status")));
    }

    @Test
    void transientErrorThenAnswer() {
        jira.stubFor(get(urlEqualTo("/rest/api/2/issue/OPS-7?fields=status"))
                .inScenario("flaky")
                .whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(502))
                .willSetStateTo("up"));
        jira.stubFor(get(urlEqualTo("/rest/api/2/issue/OPS-7?fields=status"))
                .inScenario("flaky")
                .whenScenarioStateIs("up")
                .willReturn(
                        aResponse().withStatus(200).withBody("{\"fields\":{\"status\":{\"name\":\"In Review\"}}}")));
        assertEquals(Outcome.PASSED, evaluate("OPS-7").outcome());
    }

    @Test
    void ticketsInCommitsAreFound() {
        Rule commitsOnly = TicketRule.TYPE.create(new TicketRule.Config(List.of("commits"), null, null, null));
        RuleResult result = commitsOnly.evaluate(new RuleContext(
                FakeMergeRequest.sample(),
                FakeMergeRequestData.commits(FakeMergeRequestData.commit("fix: thing\n\nRefs OPS-42")),
                java.time.Instant.parse("2026-12-03T12:00:00Z")));
        assertEquals("references OPS-42", result.message());
    }

    @Test
    void missingTokenVariableIsAnError() {
        Rule noToken = TicketRule.TYPE.create(new TicketRule.Config(
                null, null, null, new TicketRule.Jira(jira.baseUrl(), "NO_SUCH_VARIABLE_FOR_THE_TEST", null, null)));
        DataUnavailableException e = assertThrows(
                DataUnavailableException.class,
                () -> noToken.evaluate(new RuleContext(
                        FakeMergeRequest.sample().withTitle("PAY-1"),
                        MergeRequestData.NONE,
                        java.time.Instant.parse("2026-12-03T12:00:00Z"))));
        assertTrue(e.getMessage().contains("NO_SUCH_VARIABLE_FOR_THE_TEST"), e.getMessage());
    }

    @Test
    void jiraConfigIsChecked() {
        InvalidRuleException url = assertThrows(
                InvalidRuleException.class,
                () -> TicketRule.TYPE.create(new TicketRule.Config(
                        null, null, null, new TicketRule.Jira("jira.example.com", "T", null, null))));
        assertEquals("jira.url", url.field());
        InvalidRuleException token = assertThrows(
                InvalidRuleException.class,
                () -> TicketRule.TYPE.create(new TicketRule.Config(
                        null, null, null, new TicketRule.Jira("https://jira.example.com", null, null, null))));
        assertEquals("jira.tokenEnv", token.field());
    }
}
