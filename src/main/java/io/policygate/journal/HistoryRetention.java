package io.policygate.journal;

import io.policygate.config.HistoryConfig;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import org.jboss.logging.Logger;

/** Deletes finished evaluations older than policy-gate.history.keep. Idempotent, so every replica may run it. */
@ApplicationScoped
public class HistoryRetention {

    private static final Logger LOG = Logger.getLogger(HistoryRetention.class);

    private final JournalStore journal;
    private final HistoryConfig config;
    private final Clock clock;

    @Inject
    public HistoryRetention(JournalStore journal, HistoryConfig config, Clock clock) {
        this.journal = journal;
        this.config = config;
        this.clock = clock;
    }

    @Scheduled(every = "${policy-gate.history.prune-every}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void prune() {
        int deleted = journal.prune(clock.instant().minus(config.keep()));
        if (deleted > 0) {
            LOG.infof("Deleted %d evaluations finished more than %s ago (policy-gate.history.keep)", deleted,
                    config.keep());
        }
    }
}
