package io.policygate.event;

import java.util.Arrays;

/**
 * What asked for a job. Only policy-gate sets it, never a body: a webhook's job is {@link #WEBHOOK}, and the jobs
 * policy-gate queues itself say why it did.
 */
public enum Origin {
    /** A webhook from GitLab. */
    WEBHOOK("webhook"),
    /** The reconciliation sweep found a check that needs a verdict. */
    RECONCILIATION("reconciliation"),
    /** {@code register} handed over the checks it created; their open merge requests are swept at once. */
    REGISTER("register"),
    /** A job's commit was no longer GitLab's HEAD of the merge request: the HEAD is evaluated instead. */
    HEAD_OF_MERGE_REQUEST("head-of-merge-request"),
    /** A change window opened or closed: the open merge requests its policies concern are judged again. */
    WINDOW("window");

    private final String dbName;

    Origin(String dbName) {
        this.dbName = dbName;
    }

    /** As the journal and the history spell it. */
    public String dbName() {
        return dbName;
    }

    /** The origin a journal row names; rows from before origins were stored came from webhooks. */
    public static Origin fromDb(String name) {
        return name == null
                ? WEBHOOK
                : Arrays.stream(values())
                        .filter(o -> o.dbName.equals(name))
                        .findFirst()
                        .orElseThrow(() -> new IllegalStateException("unknown origin in the journal: " + name));
    }
}
