package io.policygate.testing;

import static org.awaitility.Awaitility.await;

import io.policygate.journal.Job;
import io.policygate.journal.JobState;
import io.policygate.journal.JournalStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.DataSource;

/** Reads the journal the service writes, for assertions. */
@ApplicationScoped
public class Journal {

    @Inject
    JournalStore store;
    @Inject
    @io.policygate.journal.JournalDataSource.Journal
    DataSource dataSource;

    public Job job(String id) {
        return store.find(id).orElseThrow(() -> new AssertionError("no job " + id));
    }

    public Job awaitState(String id, JobState state) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> store.find(id).map(Job::state).orElse(null) == state);
        return job(id);
    }

    public java.util.List<io.policygate.journal.ReportAttempt> attemptsOf(String id) {
        return store.attempts(id);
    }

    public long jobCount() {
        return count("SELECT COUNT(*) FROM evaluation_job");
    }

    public long finishedCount() {
        return count("SELECT COUNT(*) FROM evaluation_job WHERE state IN ('reported','superseded','dead')");
    }

    public long unfinishedCount() {
        return count("SELECT COUNT(*) FROM evaluation_job WHERE state IN ('queued','evaluating','reporting')");
    }

    /** Waits until earlier tests' jobs are done, so that request counts belong to the test that reads them. */
    public void awaitIdle() {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> unfinishedCount() == 0);
    }

    private long count(String sql) {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
