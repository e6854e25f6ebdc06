package io.policygate.journal;

import static io.policygate.journal.Jdbc.timestamp;

import io.agroal.api.AgroalDataSource;
import io.policygate.config.DatabaseConfig;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Whether the journal can be written, as the health checks report it. Known from every journal operation that
 * fails because the database could not do its part (Jdbc tells at once) and from a probe, a write of one row made
 * durable as a webhook's job is, every policy-gate.db.check-every and at readiness probes (one a second at most).
 * A pool's connections keep answering "valid" after an embedded H2 store was closed under them (after an
 * OutOfMemoryError inside H2, or a failed write), and every webhook then got 503 for good: on such a failure the
 * pool is flushed, and the next connection opens the store again from its file.
 */
@ApplicationScoped
public class JournalHealth {

    private static final Logger LOG = Logger.getLogger(JournalHealth.class);

    /**
     * At most one probe a second, whoever asks: /q/health/ready is public, a probe forces the journal's file to disk,
     * and a stranger calling it in a loop must not make the disk work for every call. A failed journal operation is
     * heard at once anyway (failed()).
     */
    private static final long MIN_PROBE_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Jdbc jdbc;
    private final DurableIntake durable;
    private final AgroalDataSource pool;
    private final Clock clock;
    private final Duration unwritableLimit;
    private final AtomicBoolean probing = new AtomicBoolean();
    private final AtomicLong lastProbe = new AtomicLong(System.nanoTime() - MIN_PROBE_INTERVAL_NANOS);
    private volatile Instant unwritableSince;
    private volatile String problem;

    @Inject
    public JournalHealth(
            Jdbc jdbc,
            DurableIntake durable,
            @JournalDataSource.Journal AgroalDataSource pool,
            Clock clock,
            DatabaseConfig config) {
        this.jdbc = jdbc;
        this.durable = durable;
        this.pool = pool;
        this.clock = clock;
        this.unwritableLimit = config.unwritableFor();
    }

    /** What the health checks say. {@code since}: when the journal was first found unwritable, if it is now. */
    public record State(Optional<Instant> since, String problem) {}

    /**
     * Writes the probe row and waits until it is on disk, as intake does; the state that follows. A probe already
     * under way (a database that does not answer), or one made less than a second ago, is not repeated: the state
     * known now is the answer.
     */
    public State probe() {
        long now = System.nanoTime();
        long last = lastProbe.get();
        if (now - last >= MIN_PROBE_INTERVAL_NANOS
                && lastProbe.compareAndSet(last, now)
                && probing.compareAndSet(false, true)) {
            try {
                jdbc.inTransaction(
                        "cannot write the journal",
                        c -> Jdbc.update(
                                c, "UPDATE journal_probe SET written_at = ? WHERE id = 1", timestamp(clock.instant())));
                durable.awaitWritten();
                if (unwritableSince != null) {
                    LOG.infof("The journal can be written again (it could not since %s)", unwritableSince);
                }
                unwritableSince = null;
                problem = null;
            } catch (JournalUnavailableException e) {
                // Jdbc told failed() already; a failed checkpoint comes here only.
                unwritable(e.getMessage()
                        + (e.getCause() == null ? "" : ": " + e.getCause().getMessage()));
            } finally {
                probing.set(false);
            }
        }
        return state();
    }

    @Scheduled(every = "${policy-gate.db.check-every}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduledProbe() {
        probe();
    }

    /** The state as last found, without writing. */
    public State state() {
        return new State(Optional.ofNullable(unwritableSince), problem);
    }

    /** True once the journal has been unwritable for longer than policy-gate.db.unwritable-for. */
    public boolean unwritableTooLong() {
        Instant since = unwritableSince;
        return since != null && Duration.between(since, clock.instant()).compareTo(unwritableLimit) > 0;
    }

    void failed(@Observes Jdbc.JournalFailure failure) {
        unwritable(failure.cause().getMessage());
    }

    private void unwritable(String why) {
        if (unwritableSince == null) {
            unwritableSince = clock.instant();
            LOG.errorf("The journal cannot be written (%s): webhooks are refused with 503 until it can", why);
        }
        problem = why;
        if (jdbc.dialect() != JournalDialect.POSTGRESQL) {
            // New connections open an embedded store again; the pooled ones stay bound to the closed one.
            pool.flush(AgroalDataSource.FlushMode.GRACEFUL);
        }
    }
}
