package io.policygate.preview;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.policygate.config.HistoryConfig;
import io.policygate.journal.Jdbc;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Previews kept in the journal database for their pages and the API, as long as the history is. */
@ApplicationScoped
public class PreviewStore {

    /** A stored preview, for lists. */
    public record Listed(String id, Instant createdAt, String scope, String summary) {}

    private final Jdbc jdbc;
    private final ObjectMapper json;
    private final HistoryConfig history;
    private final Clock clock;

    @Inject
    public PreviewStore(Jdbc jdbc, ObjectMapper json, HistoryConfig history, Clock clock) {
        this.jdbc = jdbc;
        this.json = json;
        this.history = history;
        this.clock = clock;
    }

    Preview save(Preview preview) {
        String result;
        try {
            result = json.writeValueAsString(preview);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a preview is always serialisable", e);
        }
        jdbc.withConnection(
                "cannot store the preview",
                c -> Jdbc.update(
                        c,
                        "INSERT INTO policy_preview (id, created_at, scope, summary, result) VALUES (?, ?, ?, ?, ?)",
                        preview.id(),
                        Jdbc.timestamp(preview.createdAt()),
                        cut(preview.scope(), 1000),
                        cut(preview.summary(), 500),
                        result));
        return preview;
    }

    public Optional<Preview> find(String id) {
        return jdbc.first("SELECT result FROM policy_preview WHERE id = ?", rs -> rs.getString(1), id)
                .map(this::read);
    }

    private Preview read(String stored) {
        try {
            return json.readValue(stored, Preview.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the journal stores previews it wrote itself", e);
        }
    }

    /** The latest previews, newest first. */
    public List<Listed> latest(int limit) {
        return jdbc.list(
                "SELECT id, created_at, scope, summary FROM policy_preview ORDER BY created_at DESC LIMIT " + limit,
                rs -> new Listed(rs.getString(1), Jdbc.instant(rs, 2), rs.getString(3), rs.getString(4)));
    }

    @Scheduled(every = "${policy-gate.history.prune-every}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void prune() {
        jdbc.update(
                "DELETE FROM policy_preview WHERE created_at < ?",
                Jdbc.timestamp(clock.instant().minus(history.keep())));
    }

    private static String cut(String text, int length) {
        return text.length() <= length ? text : text.substring(0, length - 1) + "…";
    }
}
