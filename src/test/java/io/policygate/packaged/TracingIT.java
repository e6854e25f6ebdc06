package io.policygate.packaged;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import io.policygate.testing.FakeGitLab;
import io.policygate.testing.GitLabStubs;
import io.policygate.testing.Payloads;
import io.policygate.testing.ServiceProcess;
import io.policygate.testing.StubbedServers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Traces from the packaged jar to an OTLP/HTTP receiver played by WireMock: one trace from the webhook's acceptance to
 * GitLab's answer, its spans linked parent to child (intake, the job's step, its claim, each GitLab call, the
 * evaluation, the report), with the merge request's ids and never the token. The receiver decodes OTLP's protobuf
 * with protobuf's own wire reader (opentelemetry-proto's generated classes are not needed for a few fields).
 */
class TracingIT {

    @TempDir
    Path work;

    /** One span as OTLP carries it: ids in hex, the attributes as text. */
    record ReceivedSpan(
            String traceId, String spanId, String parentSpanId, String name, Map<String, String> attributes) {}

    @Test
    void oneTraceFromTheWebhookToGitLabsAnswerWithItsSpansLinked() throws Exception {
        FakeGitLab.SHARED.reset();
        WireMockServer gitlab = new WireMockServer(FakeGitLab.options().dynamicPort());
        WireMockServer collector =
                new WireMockServer(WireMockConfiguration.options().dynamicPort());
        gitlab.start();
        collector.start();
        try {
            GitLabStubs.acceptAll(gitlab);
            collector.stubFor(post("/v1/traces").willReturn(aResponse().withStatus(200)));
            Map<String, String> env = new HashMap<>(ServiceProcess.reportingTo(gitlab.baseUrl()));
            env.put("QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT", collector.baseUrl());
            env.put("QUARKUS_OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
            env.put("QUARKUS_OTEL_EXPORTER_OTLP_COMPRESSION", "none");
            env.put("QUARKUS_OTEL_BSP_SCHEDULE_DELAY", "200ms");
            String sha = Payloads.sha(4242);
            try (ServiceProcess service = ServiceProcess.start(work, "traced", env)) {
                service.awaitReady(System.nanoTime());
                assertEquals(
                        202,
                        service.sendSigned(Payloads.forMergeRequest(Payloads.COMPLIANT, 42, sha))
                                .statusCode());
                await().atMost(Duration.ofSeconds(30))
                        // The step's span ends last, after its report is recorded: it may come in a later export.
                        .until(() ->
                                spans(collector).stream().anyMatch(s -> s.name().equals("policy-gate step")));
                List<ReceivedSpan> spans = spans(collector);
                ReceivedSpan intake = named(spans, "intake");
                ReceivedSpan step = named(spans, "policy-gate step");
                assertEquals(intake.traceId(), step.traceId(), "the step continues the webhook's trace");
                assertEquals(intake.spanId(), step.parentSpanId(), "the step is the intake's child");
                assertEquals("42", step.attributes().get("gitlab.merge_request_iid"));
                assertEquals(sha.substring(0, 8), step.attributes().get("vcs.sha"));
                assertNotNull(step.attributes().get("policy_gate.evaluation_id"));
                for (String child : List.of("claim", "evaluate", "report")) {
                    assertEquals(step.spanId(), named(spans, child).parentSpanId(), child + " is the step's child");
                }
                // A rule reads the changes: the first evaluation asks for them, the second reaches the verdict.
                List<ReceivedSpan> evaluations =
                        spans.stream().filter(s -> s.name().equals("evaluate")).toList();
                assertEquals(
                        List.of("true", "passed"),
                        evaluations.stream()
                                .map(s -> s.attributes()
                                        .getOrDefault(
                                                "policy_gate.verdict",
                                                s.attributes().get("policy_gate.read_first")))
                                .sorted(java.util.Comparator.reverseOrder())
                                .toList(),
                        "evaluations: " + evaluations);
                assertTrue(evaluations.stream().allMatch(s -> s.parentSpanId().equals(step.spanId())));
                ReceivedSpan read = named(spans, "GET /projects/{id}/merge_requests/{iid}");
                assertEquals(step.spanId(), read.parentSpanId(), "the read of the merge request is the step's");
                assertEquals("200", read.attributes().get("http.response.status_code"));
                ReceivedSpan posted = spans.stream()
                        .filter(s -> s.name().startsWith("POST ") && s.name().endsWith("/status_check_responses"))
                        .findFirst()
                        .orElseThrow(() -> new AssertionError("no span of the status report: " + spans));
                assertEquals(named(spans, "report").spanId(), posted.parentSpanId(), "the report's POST");
                assertEquals("201", posted.attributes().get("http.response.status_code"));
                assertTrue(
                        spans.stream().noneMatch(s -> s.attributes().toString().contains("test-gitlab-token")),
                        "no span carries the token");
                assertTrue(
                        service.log().contains("\"traceId\":\"" + step.traceId() + "\""),
                        "the step's log lines carry its trace");
                assertTrue(service.terminate(30));
            }
        } finally {
            try {
                StubbedServers.assertNoUnexpectedRequest(gitlab);
            } finally {
                gitlab.stop();
                collector.stop();
            }
        }
    }

    private static ReceivedSpan named(List<ReceivedSpan> spans, String name) {
        Optional<ReceivedSpan> span =
                spans.stream().filter(s -> s.name().equals(name)).findFirst();
        assertFalse(
                span.isEmpty(),
                "no span " + name + " among "
                        + spans.stream().map(ReceivedSpan::name).toList());
        return span.get();
    }

    /** Every span every export so far carried (ExportTraceServiceRequest → ResourceSpans → ScopeSpans → Span). */
    private static List<ReceivedSpan> spans(WireMockServer collector) throws InvalidProtocolBufferException {
        List<ReceivedSpan> spans = new ArrayList<>();
        for (var event : collector.getAllServeEvents()) {
            UnknownFieldSet request =
                    UnknownFieldSet.parseFrom(event.getRequest().getBody());
            for (UnknownFieldSet resourceSpans : messages(request, 1)) {
                for (UnknownFieldSet scopeSpans : messages(resourceSpans, 2)) {
                    for (UnknownFieldSet span : messages(scopeSpans, 2)) {
                        Map<String, String> attributes = new HashMap<>();
                        for (UnknownFieldSet keyValue : messages(span, 9)) {
                            attributes.put(
                                    text(keyValue, 1),
                                    value(messages(keyValue, 2).get(0)));
                        }
                        spans.add(
                                new ReceivedSpan(hex(span, 1), hex(span, 2), hex(span, 4), text(span, 5), attributes));
                    }
                }
            }
        }
        return spans;
    }

    private static List<UnknownFieldSet> messages(UnknownFieldSet message, int field)
            throws InvalidProtocolBufferException {
        List<UnknownFieldSet> messages = new ArrayList<>();
        if (message.hasField(field)) {
            for (ByteString bytes : message.getField(field).getLengthDelimitedList()) {
                messages.add(UnknownFieldSet.parseFrom(bytes));
            }
        }
        return messages;
    }

    private static String text(UnknownFieldSet message, int field) {
        return message.hasField(field)
                ? message.getField(field).getLengthDelimitedList().get(0).toString(StandardCharsets.UTF_8)
                : "";
    }

    private static String hex(UnknownFieldSet message, int field) {
        return message.hasField(field)
                ? HexFormat.of()
                        .formatHex(message.getField(field)
                                .getLengthDelimitedList()
                                .get(0)
                                .toByteArray())
                : "";
    }

    /** An AnyValue as text: string_value (1), bool_value (2) or int_value (3). */
    private static String value(UnknownFieldSet any) {
        if (any.hasField(1)) {
            return text(any, 1);
        }
        if (any.hasField(2)) {
            return String.valueOf(any.getField(2).getVarintList().get(0) != 0);
        }
        if (any.hasField(3)) {
            return String.valueOf(any.getField(3).getVarintList().get(0));
        }
        return "";
    }
}
