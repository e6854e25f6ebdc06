package io.policygate.journal;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** queued → evaluating → reporting → reported | superseded | dead: README.md, "What happens to a webhook". */
public enum JobState {
    QUEUED,
    EVALUATING,
    REPORTING,
    REPORTED,
    SUPERSEDED,
    DEAD;

    public static final Set<JobState> UNFINISHED = EnumSet.of(QUEUED, EVALUATING, REPORTING);

    public String dbName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static JobState fromDb(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
