package io.policygate.preview;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.policygate.config.HistoryConfig;
import io.policygate.journal.JournalDataSource;
import io.policygate.journal.JournalUnavailableException;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** Previews kept in the journal database for their pages and the API, as long as the history is. */
@ApplicationScoped
public class PreviewStore {

    /** A stored preview, for lists. */
    public record Listed(String id, Instant createdAt, String scope, String summary) {}

    private final DataSource dataSource;
    private final ObjectMapper json;
    private final HistoryConfig history;
    private final Clock clock;

    @Inject
    public PreviewStore(
            @JournalDataSource.Journal DataSource dataSource, ObjectMapper json, HistoryConfig history, Clock clock) {
        this.dataSource = dataSource;
        this.json = json;
        this.history = history;
        this.clock = clock;
    }

    Preview save(Preview preview) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement insert = c.prepareStatement(
                        "INSERT INTO policy_preview (id, created_at, scope, summary, result) VALUES (?, ?, ?, ?, ?)")) {
            insert.setString(1, preview.id());
            insert.setObject(2, OffsetDateTime.ofInstant(preview.createdAt(), ZoneOffset.UTC));
            insert.setString(3, cut(preview.scope(), 1000));
            insert.setString(4, cut(preview.summary(), 500));
            insert.setString(5, json.writeValueAsString(preview));
            insert.executeUpdate();
            return preview;
        } catch (SQLException e) {
            throw new JournalUnavailableException("cannot store the preview", e);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a preview is always serialisable", e);
        }
    }

    public Optional<Preview> find(String id) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement select = c.prepareStatement("SELECT result FROM policy_preview WHERE id = ?")) {
            select.setString(1, id);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? Optional.of(json.readValue(rs.getString(1), Preview.class)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new JournalUnavailableException("cannot read the previews", e);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the journal stores previews it wrote itself", e);
        }
    }

    /** The latest previews, newest first. */
    public List<Listed> latest(int limit) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement select = c.prepareStatement(
                        "SELECT id, created_at, scope, summary FROM policy_preview ORDER BY created_at DESC LIMIT "
                                + limit);
                ResultSet rs = select.executeQuery()) {
            List<Listed> previews = new ArrayList<>();
            while (rs.next()) {
                previews.add(new Listed(
                        rs.getString(1),
                        rs.getObject(2, OffsetDateTime.class).toInstant(),
                        rs.getString(3),
                        rs.getString(4)));
            }
            return previews;
        } catch (SQLException e) {
            throw new JournalUnavailableException("cannot read the previews", e);
        }
    }

    @Scheduled(every = "${policy-gate.history.prune-every}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void prune() {
        try (Connection c = dataSource.getConnection();
                PreparedStatement delete = c.prepareStatement("DELETE FROM policy_preview WHERE created_at < ?")) {
            delete.setObject(1, OffsetDateTime.ofInstant(clock.instant().minus(history.keep()), ZoneOffset.UTC));
            delete.executeUpdate();
        } catch (SQLException e) {
            throw new JournalUnavailableException("cannot prune the previews", e);
        }
    }

    private static String cut(String text, int length) {
        return text.length() <= length ? text : text.substring(0, length - 1) + "…";
    }
}
