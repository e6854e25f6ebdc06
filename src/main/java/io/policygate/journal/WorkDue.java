package io.policygate.journal;

/**
 * A CDI event: the journal holds work due now, so whoever takes it need not wait for its next poll. The one who
 * stored the work does not know who takes it; polling alone would still find it, this only saves the wait.
 */
public enum WorkDue {
    /** A job was stored (a webhook, the reconciliation sweep) or made due again. */
    JOB,
    /** A verdict whose merge request note is due was reported. */
    NOTE
}
