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
 * policy_gate_queue_depth (unfinished jobs), policy_gate_queue_oldest_seconds (age of the oldest) and
 * policy_gate_dead_letters (jobs that ended dead): read from the journal at scrape time, at most every
 * 5 seconds, so they count every replica's work.
 */
@ApplicationScoped
public class QueueMetrics {

    private static final Duration FRESH = Duration.ofSeconds(5);

    private final EvaluationRecords records;
    private final Clock clock;
    private final MeterRegistry registry;
    private EvaluationRecords.QueueStats stats;
    private Instant readAt = Instant.MIN;

    @Inject
    public QueueMetrics(EvaluationRecords records, Clock clock, MeterRegistry registry) {
        this.records = records;
        this.clock = clock;
        this.registry = registry;
    }

    void register(@Observes StartupEvent start) {
        Gauge.builder("policy_gate_queue_depth", this, m -> m.stats().unfinished())
                .description("evaluations accepted and not yet finished")
                .register(registry);
        Gauge.builder("policy_gate_queue_oldest_seconds", this, m -> m.stats().oldestAgeSeconds())
                .description("age of the oldest unfinished evaluation")
                .register(registry);
        Gauge.builder("policy_gate_dead_letters", this, m -> m.stats().dead())
                .description("evaluations that ended dead: GitLab refused them, see the log")
                .register(registry);
    }

    private synchronized EvaluationRecords.QueueStats stats() {
        Instant now = clock.instant();
        if (stats == null || readAt.plus(FRESH).isBefore(now)) {
            stats = records.queueStats();
            readAt = now;
        }
        return stats;
    }
}
