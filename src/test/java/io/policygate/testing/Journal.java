package io.policygate.testing;

import static org.awaitility.Awaitility.await;

import io.policygate.event.Trigger;
import io.policygate.journal.EvaluationRecords;
import io.policygate.journal.Job;
import io.policygate.journal.JobQueue;
import io.policygate.journal.JobState;
import io.policygate.journal.MergeRequestNames;
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
    JobQueue jobs;

    @Inject
    EvaluationRecords records;

    @Inject
    @io.policygate.journal.JournalDataSource.Journal
    DataSource dataSource;

    public Job job(String id) {
        return jobs.find(id).orElseThrow(() -> new AssertionError("no job " + id));
    }

    public Job awaitState(String id, JobState state) {
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> jobs.find(id).map(Job::state).orElse(null) == state);
        return job(id);
    }

    /** What the journal stored to name the job's merge request. */
    public MergeRequestNames namesOf(String id) {
        Trigger.Names names = records.evaluation(id).orElseThrow().trigger().names();
        return new MergeRequestNames(names.projectPath(), names.title(), names.checkName());
    }

    /** How many jobs still hold a webhook body (before V16 every job did; none since). */
    public long countOfJobsWithAPayload() {
        return count("SELECT COUNT(*) FROM evaluation_job WHERE payload IS NOT NULL");
    }

    public java.util.List<io.policygate.journal.ReportAttempt> attemptsOf(String id) {
        return records.attempts(id);
    }

    /** The id of the newest job of a merge request. */
    public String newestIdOf(long projectId, long iid) {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT id FROM evaluation_job WHERE project_id = " + projectId
                        + " AND mr_iid = " + iid + " ORDER BY created_at DESC, id DESC LIMIT 1")) {
            if (!rs.next()) {
                throw new AssertionError("no job of " + projectId + "!" + iid);
            }
            return rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Has policy-gate know these projects as register would hand them over (a check of theirs recorded), so that
     * previews and dry runs may read them without an allowed group.
     */
    public void knowsProjects(long... projectIds) {
        java.util.Map<Long, java.util.Set<Long>> checks = new java.util.TreeMap<>();
        for (long id : projectIds) {
            checks.put(id, java.util.Set.of(1L));
        }
        records.recordRegisteredChecks(checks);
    }

    /** Forgets every check register handed over (and {@link #knowsProjects} recorded): a test starts without. */
    public void forgetRegisteredChecks() {
        try (java.sql.Connection c = dataSource.getConnection();
                java.sql.Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM registered_check");
            if (!c.getAutoCommit()) {
                c.commit();
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Forgets what the reconciliation sweep kept, the merges it recorded included: the next sweep is a first one, as
     * with a fresh GitLab.
     */
    public void forgetSweeps() {
        tamper("DELETE FROM open_merge_request");
        tamper("DELETE FROM sweep_state");
        tamper("DELETE FROM merge_record");
    }

    /** Writes to the journal behind the service's back, as someone with access to its database could. */
    public void tamper(String sql, Object... parameters) {
        try (Connection c = dataSource.getConnection();
                java.sql.PreparedStatement statement = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            statement.executeUpdate();
            if (!c.getAutoCommit()) {
                c.commit();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** When the journal's health probe last wrote its row. */
    public String probeWrittenAt() {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT written_at FROM journal_probe WHERE id = 1")) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
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

    /**
     * Waits until earlier tests' jobs and merge request notes are done, so that request counts belong to the
     * test that reads them.
     */
    public void awaitIdle() {
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> unfinishedCount() == 0 && dueNoteCount() == 0);
    }

    public long dueNoteCount() {
        return count("SELECT COUNT(*) FROM evaluation_job WHERE note_due_at IS NOT NULL");
    }

    /** What came of an evaluation's merge request note, once it is no longer due. */
    public String awaitNoteResult(String id) {
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> records.evaluation(id)
                                .filter(e -> e.noteResult() != null)
                                .isPresent()
                        && count("SELECT COUNT(*) FROM evaluation_job WHERE id = '" + id + "' AND note_due_at IS NULL")
                                == 1);
        return records.evaluation(id).orElseThrow().noteResult();
    }

    private long count(String sql) {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
