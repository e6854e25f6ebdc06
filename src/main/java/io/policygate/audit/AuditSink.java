package io.policygate.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.policygate.async.BackgroundThread;
import io.policygate.config.AuditSinkConfig;
import io.policygate.config.ConfigurationKeys;
import io.policygate.config.ConfigurationProblems;
import io.policygate.config.ServiceConfig;
import io.policygate.config.WorkerConfig;
import io.policygate.journal.AuditOutbox;
import io.policygate.journal.ClusterLease;
import io.policygate.journal.RetrySchedule;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Streams decision records from the journal's outbox to the company's log store (policy-gate.audit.sink.url), one
 * POST per record, oldest first, on a thread of its own and by one replica at a time (a lease in the journal). A
 * record is delivered when the sink answers 2xx; otherwise it is tried again after a backoff, and the records after
 * it wait, so that they arrive in order. A sink that is down loses nothing: the outbox holds the records, and
 * {@code policy_gate_audit_sink_lag_seconds} ({@link io.policygate.journal.QueueMetrics}) says how long the oldest has
 * waited.
 */
@ApplicationScoped
public class AuditSink implements ConfigurationProblems {

    private static final Logger LOG = Logger.getLogger(AuditSink.class);
    private static final String LEASE = "audit-sink";
    /** A sink's own answer in a log line or the outbox: enough to say why, never a whole page. */
    private static final int ANSWER_SHOWN = 300;
    /** CloudEvents' type of a decision record. */
    static final String EVENT_TYPE = "io.policygate.decision-record.v1";

    private final AuditOutbox outbox;
    private final ClusterLease leases;
    private final AuditSinkConfig config;
    private final WorkerConfig worker;
    private final ObjectMapper json;
    private final Clock clock;
    private final String source;
    private final RetrySchedule retries = new RetrySchedule(Duration.ofSeconds(1), Duration.ofMinutes(5));
    private final String owner = ManagementFactory.getRuntimeMXBean().getName() + "/audit-"
            + UUID.randomUUID().toString().substring(0, 8);
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    private final BackgroundThread background = new BackgroundThread("policy-gate-audit-sink");

    @Inject
    public AuditSink(
            AuditOutbox outbox,
            ClusterLease leases,
            AuditSinkConfig config,
            WorkerConfig worker,
            ServiceConfig service,
            ObjectMapper json,
            Clock clock) {
        this.outbox = outbox;
        this.leases = leases;
        this.config = config;
        this.worker = worker;
        this.json = json;
        this.clock = clock;
        this.source = service.publicUrl().map(URI::toString).orElse("urn:policy-gate");
    }

    void onStart(@Observes StartupEvent start) {
        if (config.url().isEmpty()) {
            return;
        }
        background.start(this::work);
    }

    void onStop(@Observes ShutdownEvent stop) {
        // A turn sleeps at most a poll interval: the grace covers it, no interrupt is needed.
        if (background.stop(worker.shutdownGrace(), () -> {})) {
            leases.release(LEASE, owner);
        }
    }

    private void work() {
        while (background.running()) {
            try {
                if (!leases.acquire(LEASE, owner, worker.lease()) || !deliverOldest()) {
                    Thread.sleep(worker.pollInterval().toMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // The journal could not be read or written: the record stays, and is tried again.
                LOG.error("Streaming decision records failed; trying again", e);
                sleep();
            }
        }
    }

    /** Delivers the oldest record if it is due; false when there was none due. */
    private boolean deliverOldest() throws InterruptedException {
        Optional<AuditOutbox.Pending> oldest = outbox.oldest();
        if (oldest.isEmpty()) {
            return false;
        }
        AuditOutbox.Pending pending = oldest.get();
        if (pending.dueAt().isAfter(clock.instant())) {
            Thread.sleep(Math.min(
                    worker.pollInterval().toMillis(),
                    Duration.between(clock.instant(), pending.dueAt()).toMillis()));
            return true;
        }
        Optional<String> failure = post(pending);
        if (failure.isEmpty()) {
            outbox.delivered(pending.seq());
        } else {
            Instant retryAt = clock.instant().plus(retries.delayAfter(pending.attempts() + 1, null));
            if (pending.attempts() == 0) {
                LOG.warnf(
                        "The audit sink did not take the decision record of evaluation %s (%s); it and those after it"
                                + " are kept and tried again",
                        pending.evaluationId(), failure.get());
            }
            outbox.failed(pending.seq(), failure.get(), retryAt);
        }
        return true;
    }

    /** POSTs one record; empty when the sink took it, else why not. */
    private Optional<String> post(AuditOutbox.Pending pending) throws InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(config.url().orElseThrow())
                .timeout(config.timeout())
                .header(
                        "Content-Type",
                        config.format() == AuditSinkConfig.Format.CLOUDEVENTS
                                ? "application/cloudevents+json"
                                : "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body(pending), StandardCharsets.UTF_8));
        config.headers().forEach(request::header);
        try {
            HttpResponse<String> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() / 100 == 2) {
                return Optional.empty();
            }
            String body = answer.body() == null ? "" : answer.body().strip();
            return Optional.of("the sink answered " + answer.statusCode()
                    + (body.isEmpty() ? "" : ": " + body.substring(0, Math.min(ANSWER_SHOWN, body.length()))));
        } catch (IOException e) {
            return Optional.of("the sink could not be reached: " + e.getMessage());
        }
    }

    /** The record as the sink takes it: as it is, or as the data of a CloudEvent. */
    String body(AuditOutbox.Pending pending) {
        if (config.format() == AuditSinkConfig.Format.JSON) {
            return pending.record();
        }
        try {
            JsonNode record = json.readTree(pending.record());
            ObjectNode event = json.createObjectNode()
                    .put("specversion", "1.0")
                    .put("id", pending.evaluationId())
                    .put("source", source)
                    .put("type", EVENT_TYPE)
                    .put(
                            "subject",
                            record.path("projectPath")
                                            .asText(record.path("projectId").asText()) + "!"
                                    + record.path("mergeRequestIid").asText() + "@"
                                    + record.path("sha").asText())
                    .put("time", record.path("decidedAt").asText())
                    .put("datacontenttype", "application/json");
            event.set("data", record);
            return json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the outbox holds records it wrote as JSON", e);
        }
    }

    @Override
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        config.url().ifPresent(url -> {
            if (!"https".equals(url.getScheme()) && !"http".equals(url.getScheme())) {
                problems.add(ConfigurationKeys.named("policy-gate.audit.sink.url") + " is " + url
                        + ": write the sink's http:// or https:// address");
            }
        });
        for (Map.Entry<String, String> header : config.headers().entrySet()) {
            try {
                HttpRequest.newBuilder(URI.create("http://localhost/")).header(header.getKey(), header.getValue());
            } catch (IllegalArgumentException e) {
                // The value may be a token: the problem names the key only.
                problems.add(ConfigurationKeys.named("policy-gate.audit.sink.headers." + header.getKey())
                        + " cannot be sent: HTTP does not let a client set that header, or its name or value has"
                        + " characters a header may not have");
            }
        }
        return problems;
    }

    private void sleep() {
        try {
            Thread.sleep(worker.pollInterval().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
