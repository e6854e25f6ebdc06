package io.policygate.journal;

import java.util.Locale;

/**
 * Which database holds the journal, and what follows from it, decided once from its JDBC URL: how a due row is
 * claimed, whether the file needs forcing to disk after a commit, and whether another process can share it.
 */
public enum JournalDialect {
    /** PostgreSQL: durable commits, FOR UPDATE SKIP LOCKED, shared by every replica. */
    POSTGRESQL("postgresql", true, false, false),
    /** Embedded H2 in a file: locked to one process; commits reach the file only at a checkpoint. */
    H2_FILE("h2", false, true, true),
    /** Embedded H2 in memory (tests): one process, nothing to force to disk. */
    H2_MEMORY("h2", false, false, true),
    /** H2 in server mode (TCP, SSL, AUTO_SERVER): a file that other processes can open too. */
    H2_SERVER("h2", false, true, false);

    private final String datasource;
    private final boolean skipLocked;
    private final boolean checkpointed;
    private final boolean exclusive;

    JournalDialect(String datasource, boolean skipLocked, boolean checkpointed, boolean exclusive) {
        this.datasource = datasource;
        this.skipLocked = skipLocked;
        this.checkpointed = checkpointed;
        this.exclusive = exclusive;
    }

    /** The dialect of a journal URL; anything but {@code jdbc:postgresql:} is H2 (the embedded default). */
    public static JournalDialect of(String jdbcUrl) {
        String url = jdbcUrl.toLowerCase(Locale.ROOT);
        if (url.startsWith("jdbc:postgresql:")) {
            return POSTGRESQL;
        }
        if (url.startsWith("jdbc:h2:mem:")) {
            return H2_MEMORY;
        }
        if (url.startsWith("jdbc:h2:tcp:") || url.startsWith("jdbc:h2:ssl:") || url.contains("auto_server=true")) {
            return H2_SERVER;
        }
        return H2_FILE;
    }

    /** The name of the Quarkus datasource built into the jar for this database. */
    public String datasource() {
        return datasource;
    }

    /** Whether claims use SELECT … FOR UPDATE SKIP LOCKED (see {@link OldestDueRow}). */
    boolean skipLocked() {
        return skipLocked;
    }

    /** Whether a commit is on disk only after CHECKPOINT SYNC (see {@link DurableIntake}). */
    boolean checkpointed() {
        return checkpointed;
    }

    /** Whether no other process can share the journal, so every lease in it belongs to a process that stopped. */
    public boolean exclusive() {
        return exclusive;
    }
}
