package io.policygate.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** The WARN (and worse) lines one of the service's loggers writes while a test listens to it. */
public final class LoggedWarnings extends Handler {

    private final String logger;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();

    public LoggedWarnings(String logger) {
        this.logger = logger;
    }

    public void listen() {
        Logger.getLogger(logger).addHandler(this);
    }

    public void stop() {
        Logger.getLogger(logger).removeHandler(this);
    }

    /** Whether a line heard so far contains {@code text}. */
    public boolean anyContains(String text) {
        return records.stream().anyMatch(r -> r.getMessage().contains(text));
    }

    /** How many lines were heard so far. */
    public long count() {
        return records.size();
    }

    @Override
    public void publish(LogRecord record) {
        if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
            records.add(record);
        }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
}
