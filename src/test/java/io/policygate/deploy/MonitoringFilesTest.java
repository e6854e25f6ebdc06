package io.policygate.deploy;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.policygate.journal.JobState;
import io.policygate.reconcile.ReconciliationSweep;
import io.policygate.testing.ConfigMapPolicies;
import io.policygate.testing.FakeGitLab;
import io.policygate.testing.InjectPolicyDir;
import io.policygate.testing.Payloads;
import io.policygate.testing.ServiceTest;
import io.policygate.testing.Webhooks;
import io.policygate.testing.WritablePolicies;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Grafana's dashboard (deploy/grafana/policy-gate.json) and the PrometheusRule of deploy/kubernetes/monitoring name
 * only metrics the service exposes at /q/metrics: the service is driven until every metric they read exists (a
 * verdict, a waiver excusing a rule, an ungated merge, a project's posture), then each name they use is looked up.
 * The manifests themselves go through KubernetesManifestsTest's strict reading.
 */
@QuarkusTest
@TestProfile(WritablePolicies.class)
class MonitoringFilesTest extends ServiceTest {

    private static final Path DASHBOARD = Path.of("deploy/grafana/policy-gate.json");
    private static final Path RULES = Path.of("deploy/kubernetes/monitoring/prometheusrule.yaml");
    /** A metric's name in PromQL: ours, and SmallRye Fault Tolerance's. */
    private static final Pattern METRIC = Pattern.compile("\\b(policy_gate_[a-z_]+|ft_[a-z_]+)\\b");

    private static final LocalDate TODAY = LocalDate.now(ZoneOffset.UTC);

    @InjectPolicyDir
    ConfigMapPolicies configMap;

    @Inject
    ReconciliationSweep sweep;

    /** Every PromQL expression of the dashboard's panels. */
    private static List<String> dashboardExpressions() throws Exception {
        List<String> expressions = new ArrayList<>();
        for (JsonNode panel :
                new ObjectMapper().readTree(Files.readString(DASHBOARD)).path("panels")) {
            panel.path("targets")
                    .forEach(target -> expressions.add(target.path("expr").asText()));
        }
        return expressions;
    }

    /** Every alert's expression, with the alert's runbook line. */
    private static Map<String, JsonNode> alerts() throws Exception {
        Map<String, JsonNode> alerts = new java.util.TreeMap<>();
        for (JsonNode group : new YAMLMapper().readTree(Files.readString(RULES)).at("/spec/groups")) {
            group.path("rules").forEach(rule -> alerts.put(rule.path("alert").asText(), rule));
        }
        return alerts;
    }

    private static Set<String> named(List<String> expressions) {
        Set<String> names = new TreeSet<>();
        for (String expression : expressions) {
            Matcher metric = METRIC.matcher(expression);
            while (metric.find()) {
                names.add(metric.group(1));
            }
        }
        return names;
    }

    /** The metric families /q/metrics exposes now, with the series names Prometheus's format gives them. */
    private static Set<String> exposed() {
        Set<String> names = new TreeSet<>();
        given().get("/q/metrics")
                .then()
                .statusCode(200)
                .extract()
                .asString()
                .lines()
                .filter(line -> !line.startsWith("#") && !line.isBlank())
                .map(line -> line.split("[{ ]", 2)[0])
                .forEach(names::add);
        return names;
    }

    /** A merge request without a ticket in its title: the ticket policy fails it unless the waiver excuses it. */
    private String judged(int iid) {
        String id = Webhooks.accept(Payloads.forMergeRequest(Payloads.SAMPLE, iid, Payloads.sha(iid)));
        journal.awaitState(id, JobState.REPORTED);
        return id;
    }

    @Test
    void theDashboardAndTheAlertsReadOnlyMetricsTheServiceExposes() throws Exception {
        configMap.publishAndAwait(Map.of(
                "ticket.yaml",
                "name: jira-ticket\nrules:\n  - type: ticket\n    in: [title]\n",
                "waivers/w.yaml",
                "id: W-MON\npolicy: jira-ticket\nprojects: [\"flightjs/*\"]\nmergeRequest: 7961\n"
                        + "reason: Vendor import tracked in PAY-900.\napprovedBy: jane.doe\napprovedOn: "
                        + TODAY.minusDays(1) + "\nexpires: " + TODAY.plusDays(30) + "\n"));
        judged(7961);
        judged(7962);
        // The first sweep lists the open merge requests; the next finds 7962 merged while its verdict was failed.
        sweep.sweep();
        FakeGitLab.SHARED.merge(6, 7962, "mallory");
        sweep.sweep();

        Set<String> exposed = exposed();
        List<String> missing = new ArrayList<>();
        for (String name : named(dashboardExpressions())) {
            if (!exposed.contains(name)) {
                missing.add("dashboard: " + name);
            }
        }
        Map<String, JsonNode> alerts = alerts();
        for (Map.Entry<String, JsonNode> alert : alerts.entrySet()) {
            for (String name : named(List.of(alert.getValue().path("expr").asText()))) {
                if (!exposed.contains(name)) {
                    missing.add(alert.getKey() + ": " + name);
                }
            }
            assertFalse(
                    alert.getValue().at("/annotations/runbook").asText().isBlank(),
                    alert.getKey() + " says what to do first");
        }
        assertEquals(List.of(), missing, "metrics the files read that /q/metrics does not expose");
        assertFalse(
                given().get("/q/metrics").then().extract().asString().contains("trace_id="),
                "without quarkus.otel.exporter.otlp.endpoint no span is recorded: no metric carries a trace exemplar");
        assertTrue(alerts.size() >= 9, "every alert docs/operations.md suggests: " + alerts.keySet());
    }
}
