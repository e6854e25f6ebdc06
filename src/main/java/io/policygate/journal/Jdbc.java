package io.policygate.journal;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The small JDBC runner every store of the journal works through: one connection per call or per transaction,
 * parameters bound in order, rows read by a function, and any SQLException turned into a
 * {@link JournalUnavailableException} that says what could not be done. Also knows the journal's
 * {@link JournalDialect}, read once from the database it is connected to.
 */
@ApplicationScoped
public class Jdbc {

    /** SQLSTATE of a unique key violation, the same on H2 and PostgreSQL. */
    static final String UNIQUE_VIOLATION = "23505";

    private final DataSource dataSource;
    private final Event<JournalFailure> failures;
    private volatile JournalDialect dialect;

    @Inject
    public Jdbc(@JournalDataSource.Journal DataSource dataSource, Event<JournalFailure> failures) {
        this.dataSource = dataSource;
        this.failures = failures;
    }

    /**
     * A journal operation failed because the database could not do its part: {@link JournalHealth} learns of it at
     * once. Not for what a busy journal answers (a lock wait that timed out, a serialization failure, a unique key a
     * concurrent intake took), which its caller handles and which says nothing of whether it can be written.
     */
    public record JournalFailure(SQLException cause) {}

    private JournalUnavailableException unavailable(String failure, SQLException e) {
        if (unavailable(e.getSQLState())) {
            failures.fire(new JournalFailure(e));
        }
        return new JournalUnavailableException(failure, e);
    }

    /**
     * SQLSTATEs of a database that cannot do its part: no connection (class 08), out of resources such as disk
     * (53), shut down by an operator (57), a system or I/O error (58), H2's general error, which is how a failed
     * write of its store surfaces (HY000), and H2's "database is closed" (90098, 90121).
     */
    private static boolean unavailable(String state) {
        return state == null
                || state.startsWith("08")
                || state.startsWith("53")
                || state.startsWith("57")
                || state.startsWith("58")
                || state.equals("HY000")
                || state.equals("90098")
                || state.equals("90121");
    }

    /** Work on one connection, which may throw SQLException. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** Reads one row. */
    @FunctionalInterface
    public interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /** The journal's database, from the URL of the connection the pool gives. */
    public JournalDialect dialect() {
        JournalDialect known = dialect;
        if (known == null) {
            known = withConnection(
                    "cannot reach the journal",
                    c -> JournalDialect.of(c.getMetaData().getURL()));
            dialect = known;
        }
        return known;
    }

    /** Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. */
    public <T> T inTransaction(String failure, Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw unavailable(failure, e);
        }
    }

    /** Runs {@code work} on one connection in auto-commit. */
    public <T> T withConnection(String failure, Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw unavailable(failure, e);
        }
    }

    public int update(String sql, Object... parameters) {
        return withConnection("cannot update the journal", c -> update(c, sql, parameters));
    }

    public boolean exists(String sql, Object... parameters) {
        return withConnection("cannot read the journal", c -> exists(c, sql, parameters));
    }

    public <T> List<T> list(String sql, Row<T> row, Object... parameters) {
        return withConnection("cannot read the journal", c -> list(c, sql, row, parameters));
    }

    public <T> Optional<T> first(String sql, Row<T> row, Object... parameters) {
        return withConnection("cannot read the journal", c -> first(c, sql, row, parameters));
    }

    /**
     * Hands each row to {@code each} as it is read, {@code batch} rows fetched from the database at a time, in one
     * read-only transaction (PostgreSQL streams a result only inside one): for reads too large to hold in memory.
     *
     * @return the number of rows read
     */
    public <T> long forEach(
            String sql, int batch, Row<T> row, java.util.function.Consumer<T> each, Object... parameters) {
        return inTransaction("cannot read the journal", c -> {
            try (PreparedStatement select = c.prepareStatement(sql)) {
                select.setFetchSize(batch);
                bind(select, parameters);
                long rows = 0;
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        each.accept(row.read(rs));
                        rows++;
                    }
                }
                return rows;
            }
        });
    }

    public static int update(Connection c, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = c.prepareStatement(sql)) {
            bind(statement, parameters);
            return statement.executeUpdate();
        }
    }

    public static boolean exists(Connection c, String sql, Object... parameters) throws SQLException {
        return first(c, sql, rs -> Boolean.TRUE, parameters).isPresent();
    }

    public static <T> List<T> list(Connection c, String sql, Row<T> row, Object... parameters) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(sql)) {
            bind(select, parameters);
            List<T> rows = new ArrayList<>();
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    rows.add(row.read(rs));
                }
            }
            return rows;
        }
    }

    /** The first row; a null the row function reads counts as none. */
    public static <T> Optional<T> first(Connection c, String sql, Row<T> row, Object... parameters)
            throws SQLException {
        try (PreparedStatement select = c.prepareStatement(sql)) {
            bind(select, parameters);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? Optional.ofNullable(row.read(rs)) : Optional.empty();
            }
        }
    }

    private static void bind(PreparedStatement statement, Object... parameters) throws SQLException {
        for (int i = 0; i < parameters.length; i++) {
            statement.setObject(i + 1, parameters[i]);
        }
    }

    /** An instant as the journal's TIMESTAMP WITH TIME ZONE columns take it. */
    public static OffsetDateTime timestamp(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    public static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    /** Text for the journal's 2,000-character columns. */
    static String truncate(String text) {
        return text == null || text.length() <= 2000 ? text : text.substring(0, 1999) + "…";
    }
}
