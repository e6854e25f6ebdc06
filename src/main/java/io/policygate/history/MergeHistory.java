package io.policygate.history;

import static io.policygate.history.QueryParameters.badParameter;
import static io.policygate.history.QueryParameters.positive;

import io.policygate.journal.MergeRecords;
import io.policygate.journal.MergeRecords.MergeRecord;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

/** The merges of covered projects and whether each passed the gate, as the API and the merges page show them. */
@ApplicationScoped
public class MergeHistory {

    static final int DEFAULT_LIMIT = 500;
    static final int MAX_LIMIT = 5_000;

    /** The API's answer. */
    public record Merges(List<MergeRecord> merges) {}

    private final MergeRecords records;
    private final Clock clock;

    @Inject
    public MergeHistory(MergeRecords records, Clock clock) {
        this.records = records;
        this.clock = clock;
    }

    /**
     * The query the request parameters ask for; null parameters mean any.
     *
     * @param from a day or an instant; default: every merge recorded
     * @param to a day (up to its end) or an instant; default: today
     * @param project a project id or full path
     * @param gated true or false
     * @param limit at most this many, the newest first (default 500, at most 5,000)
     * @throws io.policygate.problem.ProblemException 400 naming the first bad parameter
     */
    public MergeRecords.Query query(String from, String to, String project, String gated, String limit) {
        Instant start = from == null || from.isBlank() ? Instant.EPOCH : QueryParameters.instant("from", from, false);
        Instant end = to == null || to.isBlank()
                ? LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC)
                        .plusDays(1)
                        .atStartOfDay(ZoneOffset.UTC)
                        .toInstant()
                : QueryParameters.instant("to", to, true);
        if (!start.isBefore(end)) {
            throw badParameter("to", "must be after from (" + start + ")");
        }
        if (project != null && (project.isBlank() || project.length() > 2000)) {
            throw badParameter("project", "must be a project id or its full path, e.g. 42 or bank/payments");
        }
        long size = limit == null ? DEFAULT_LIMIT : positive("limit", limit);
        if (size > MAX_LIMIT) {
            throw badParameter("limit", "must be at most " + MAX_LIMIT);
        }
        return new MergeRecords.Query(start, end, project, QueryParameters.bool("gated", gated), (int) size);
    }

    public Merges list(MergeRecords.Query query) {
        return new Merges(records.list(query));
    }
}
