package io.policygate.journal;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * Group commit for the embedded H2 journal: a webhook is answered 202 only once its job is on disk.
 *
 * <p>H2 keeps commits in memory and writes them to its file up to WRITE_DELAY (500 ms) later, so a process
 * killed meanwhile loses them. Writing every commit at once (WRITE_DELAY=0) made each commit write a new
 * chunk of ~25 KB: intake topped out near 750 webhooks/s on two cores and the file grew by 100 KB per job.
 * Instead, intake waits here after its commit, and one of the waiting threads runs CHECKPOINT SYNC for all
 * that committed before it started: one write serves many. A plain CHECKPOINT only hands the new chunk to the
 * operating system, which survives a killed process but not a power loss or a node crash; CHECKPOINT SYNC
 * writes it and then forces the file to the device ({@code FileChannel.force(true)}: H2's Database.sync, then
 * SingleFileStore.sync). Work after intake needs no such wait: a worker's step lost in a crash is done again.
 * PostgreSQL commits durably by itself; there, and for in-memory H2, this does nothing.
 */
@ApplicationScoped
public class DurableIntake {

    private static final Logger LOG = Logger.getLogger(DurableIntake.class);

    private final Jdbc jdbc;
    private final Object lock = new Object();
    /** Commits that asked to be written, and how many of them are. */
    private long requested;

    private long written;
    private boolean writing;

    @Inject
    public DurableIntake(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Returns once everything committed before the call is in the journal's file.
     *
     * @throws JournalUnavailableException when it cannot be written
     */
    public void awaitWritten() {
        if (!jdbc.dialect().checkpointed()) {
            return;
        }
        long ticket;
        long target;
        synchronized (lock) {
            ticket = ++requested;
            while (true) {
                if (written >= ticket) {
                    return;
                }
                if (!writing) {
                    // This thread writes for every commit asked for so far, its own included.
                    writing = true;
                    target = requested;
                    break;
                }
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new JournalUnavailableException("interrupted while the journal was written", e);
                }
            }
        }
        boolean done = false;
        try {
            jdbc.withConnection("the journal file cannot be written", c -> Jdbc.update(c, "CHECKPOINT SYNC"));
            done = true;
        } catch (JournalUnavailableException e) {
            LOG.error("The journal file cannot be written; webhooks are refused with 503 until it can", e);
            throw e;
        } finally {
            synchronized (lock) {
                writing = false;
                if (done) {
                    written = Math.max(written, target);
                }
                lock.notifyAll();
            }
        }
    }
}
