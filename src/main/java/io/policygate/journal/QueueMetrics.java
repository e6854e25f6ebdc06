package io.policygate.journal;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * policy_gate_queue_depth (unfinished jobs), policy_gate_queue_oldest_seconds (age of the oldest),
 * policy_gate_dead_letters (jobs that ended dead) and policy_gate_audit_sink_lag_seconds (how long the oldest decision
 * record not yet taken by the audit sink has waited): read from the journal at scrape time, at most every 5 seconds
 * (/q/metrics is public: scraping it more often costs the journal nothing more), so they count every replica's work.
 */
@ApplicationScoped
public class QueueMetrics {

    private static final Duration FRESH = Duration.ofSeconds(5);

    private final EvaluationRecords records;
    private final AuditOutbox outbox;
    private final Clock clock;
    private final MeterRegistry registry;
    private Stats stats;
    private Instant readAt = Instant.MIN;

    /** The queue's figures and the audit sink's lag, read together. */
    private record Stats(EvaluationRecords.QueueStats queue, double auditLagSeconds) {}

    @Inject
    public QueueMetrics(EvaluationRecords records, AuditOutbox outbox, Clock clock, MeterRegistry registry) {
        this.records = records;
        this.outbox = outbox;
        this.clock = clock;
        this.registry = registry;
    }

    void register(@Observes StartupEvent start) {
        Gauge.builder("policy_gate_queue_depth", this, m -> m.stats().queue().unfinished())
                .description("evaluations accepted and not yet finished")
                .register(registry);
        Gauge.builder(
                        "policy_gate_queue_oldest_seconds",
                        this,
                        m -> m.stats().queue().oldestAgeSeconds())
                .description("age of the oldest unfinished evaluation")
                .register(registry);
        Gauge.builder("policy_gate_dead_letters", this, m -> m.stats().queue().dead())
                .description("evaluations that ended dead: GitLab refused them, see the log")
                .register(registry);
        Gauge.builder("policy_gate_audit_sink_lag_seconds", this, m -> m.stats().auditLagSeconds())
                .description("how long the oldest decision record not delivered to the audit sink has waited")
                .register(registry);
    }

    private synchronized Stats stats() {
        Instant now = clock.instant();
        if (stats == null || readAt.plus(FRESH).isBefore(now)) {
            stats = new Stats(records.queueStats(), outbox.lagSeconds());
            readAt = now;
        }
        return stats;
    }
}
