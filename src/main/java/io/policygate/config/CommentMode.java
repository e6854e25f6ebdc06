package io.policygate.config;

import java.util.function.BooleanSupplier;

/** policy-gate.report.comment: when a merge request gets a note explaining its verdict. */
public enum CommentMode {
    /** No notes at all. */
    NEVER,
    /**
     * A note once a verdict fails, or passes only because a waiver excused a failing rule (reviewers must see the
     * exception on the merge request), and on every merge request of the policy repository (reviewers must see what
     * the change would do); later verdicts update it, and a pass says so.
     */
    ON_FAILURE,
    /** A note for every verdict, passed ones too. */
    ALWAYS;

    /** Whether verdicts need the note looked after at all (a pass in on-failure only updates an existing note). */
    public boolean writesNotes() {
        return this != NEVER;
    }

    /**
     * Whether a verdict's note must be written ({@code failed}: the verdict failed). In on-failure mode a pass only
     * updates a note an earlier failure (or waiver) wrote, so {@code notedBefore} (asked only then) spares a GitLab search on
     * merge requests that never failed, most of them; a verdict that replaced a status policy-gate had not given
     * ({@code tampered}) is told like a failure, and so is one that must be seen though it passed ({@code toBeSeen}: a
     * waiver excused a rule of it, or it is on a policy change).
     */
    public boolean noteDue(boolean failed, boolean tampered, boolean toBeSeen, BooleanSupplier notedBefore) {
        return switch (this) {
            case NEVER -> false;
            case ALWAYS -> true;
            case ON_FAILURE -> failed || tampered || toBeSeen || notedBefore.getAsBoolean();
        };
    }

    /** Whether a verdict creates a note when the merge request has none yet. */
    public boolean creates(boolean failed, boolean tampered, boolean toBeSeen) {
        return this == ALWAYS || (this == ON_FAILURE && (failed || tampered || toBeSeen));
    }
}
