package io.policygate.journal;

import static io.policygate.journal.Jdbc.instant;
import static io.policygate.journal.Jdbc.timestamp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.policygate.config.AuditSinkConfig;
import io.policygate.config.HistoryConfig;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The decision records waiting for the audit sink: each added in the transaction that records the verdict GitLab
 * took, so that a verdict is never in the journal without its record on the way (a crash between the two cannot
 * happen), and delivered in the order they were added, at least once. Nothing is added while no sink is set.
 */
@ApplicationScoped
public class AuditOutbox {

    /** A record to deliver: {@code attempts} the failed deliveries so far, tried again from {@code dueAt}. */
    public record Pending(long seq, String evaluationId, String record, int attempts, Instant dueAt) {}

    private final Jdbc jdbc;
    private final ObjectMapper json;
    private final HistoryConfig history;
    private final Clock clock;
    private final boolean enabled;

    @Inject
    public AuditOutbox(Jdbc jdbc, ObjectMapper json, AuditSinkConfig sink, HistoryConfig history, Clock clock) {
        this.jdbc = jdbc;
        this.json = json;
        this.history = history;
        this.clock = clock;
        this.enabled = sink.url().isPresent();
    }

    /**
     * Adds the decision record of the verdict job {@code id} reached, in the verdict's transaction {@code c}: what
     * the verdict was, on which merge request and commit, by which policies, and the signed record itself.
     */
    void add(Connection c, String id, NewVerdict verdict) throws SQLException {
        if (!enabled) {
            return;
        }
        Instant now = clock.instant();
        ObjectNode record = json.createObjectNode();
        record.put("evaluationId", id);
        Jdbc.first(
                        c,
                        "SELECT project_id, mr_iid, check_id, sha FROM evaluation_job WHERE id = ?",
                        rs -> record.put("projectId", rs.getLong(1))
                                .put("mergeRequestIid", rs.getLong(2))
                                .put("statusCheckId", rs.getLong(3))
                                .put("sha", rs.getString(4)),
                        id)
                .orElseThrow(() -> new SQLException("no evaluation " + id + " to take a decision record of"));
        record.put("projectPath", verdict.names().projectPath())
                .put("status", verdict.status().wireName())
                .put("ifEnforced", verdict.ifEnforced().wireName())
                .put("decidedAt", now.toString())
                .put("policySource", verdict.policyOrigin().source())
                .put("policyCommit", verdict.policyOrigin().commit())
                .put("tampered", verdict.tampered());
        record.putPOJO("waivers", verdict.waivers());
        record.set("decisionRecord", tree(verdict.attestation()));
        Jdbc.update(
                c,
                "INSERT INTO audit_outbox (evaluation_id, created_at, record, next_attempt_at) VALUES (?, ?, ?, ?)",
                id,
                timestamp(now),
                text(record),
                timestamp(now));
    }

    /** The oldest record not delivered yet, if one is. */
    public Optional<Pending> oldest() {
        return jdbc.first(
                "SELECT seq, evaluation_id, record, attempts, next_attempt_at FROM audit_outbox"
                        + " WHERE delivered_at IS NULL ORDER BY seq LIMIT 1",
                rs -> new Pending(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4), instant(rs, 5)));
    }

    public void delivered(long seq) {
        jdbc.update(
                "UPDATE audit_outbox SET delivered_at = ?, last_error = NULL WHERE seq = ?",
                timestamp(clock.instant()),
                seq);
    }

    /** A delivery that failed: tried again at {@code retryAt}; records after it wait, so that order holds. */
    public void failed(long seq, String error, Instant retryAt) {
        jdbc.update(
                "UPDATE audit_outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE seq = ?",
                Jdbc.truncate(error),
                timestamp(retryAt),
                seq);
    }

    /** How long the oldest undelivered record has waited, in seconds; zero when every record is delivered. */
    double lagSeconds() {
        return jdbc.first("SELECT MIN(created_at) FROM audit_outbox WHERE delivered_at IS NULL", rs -> instant(rs, 1))
                .map(oldest ->
                        Math.max(0, Duration.between(oldest, clock.instant()).toMillis() / 1000.0))
                .orElse(0.0);
    }

    /** Delivered records are kept as long as the history, then removed. */
    @Scheduled(every = "${policy-gate.history.prune-every}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void prune() {
        jdbc.update(
                "DELETE FROM audit_outbox WHERE delivered_at IS NOT NULL AND delivered_at < ?",
                timestamp(clock.instant().minus(history.keep())));
    }

    private JsonNode tree(String text) {
        try {
            return text == null ? null : json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the journal signs decision records as JSON", e);
        }
    }

    private String text(JsonNode node) {
        try {
            return json.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a decision record is always serialisable", e);
        }
    }
}
