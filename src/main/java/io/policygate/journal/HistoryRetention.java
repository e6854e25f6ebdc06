package io.policygate.journal;

import io.policygate.config.HistoryConfig;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Deletes finished evaluations older than policy-gate.history.keep, and the delivery ids of signed webhooks once
 * their signatures can no longer be replayed. Idempotent, so every replica may run it.
 */
@ApplicationScoped
public class HistoryRetention {

    private static final Logger LOG = Logger.getLogger(HistoryRetention.class);

    /**
     * A signed webhook is accepted within 5 minutes of its timestamp either way (WebhookSignature), so its replay
     * can arrive at most 10 minutes after it: its id must be remembered that long.
     */
    static final Duration DELIVERY_IDS_KEPT = Duration.ofMinutes(10);

    private final EvaluationRecords records;
    private final HistoryConfig config;
    private final Clock clock;

    @Inject
    public HistoryRetention(EvaluationRecords records, HistoryConfig config, Clock clock) {
        this.records = records;
        this.config = config;
        this.clock = clock;
    }

    @Scheduled(every = "${policy-gate.history.prune-every}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void prune() {
        int deleted = records.prune(
                clock.instant().minus(config.keep()), clock.instant().minus(DELIVERY_IDS_KEPT));
        if (deleted > 0) {
            LOG.infof(
                    "Deleted %d evaluations finished more than %s ago (policy-gate.history.keep)",
                    deleted, config.keep());
        }
    }
}
