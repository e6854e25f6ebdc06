package io.policygate.journal;

import io.policygate.policy.PolicyOrigin;
import io.policygate.policy.VerdictStatus;
import java.util.List;

/**
 * A verdict reached in this step of a job, not yet in the journal: stored with the step's report attempt
 * (or postponement) in one write of the row, rather than in a write of its own before GitLab is asked.
 * {@code detail} is the JSON of the verdict, {@code policyFiles} the JSON list of the policy files (path and
 * SHA-256) that decided it, {@code policyOrigin} where they were read (the folder, or the repository and the commit),
 * {@code facts} the JSON of the merge request's facts it was computed from, and
 * {@code names} what those facts call the merge request; {@code tampered} says what GitLab showed that
 * policy-gate had not given (null: nothing); {@code waivers} the ids of the waivers that excused a rule; {@code attestation} is the verdict's signed decision record (a DSSE
 * envelope, JSON); {@code policyChange} is true for the verdict on a merge request of the policy repository, whose
 * note shows its impact.
 */
public record NewVerdict(
        VerdictStatus status,
        VerdictStatus ifEnforced,
        String detail,
        String policyFiles,
        PolicyOrigin policyOrigin,
        String facts,
        MergeRequestNames names,
        String tampered,
        List<String> waivers,
        String attestation,
        boolean policyChange) {

    public NewVerdict {
        waivers = List.copyOf(waivers);
        policyOrigin = policyOrigin == null ? PolicyOrigin.NONE : policyOrigin;
    }

    /** The waivers column's size (V15). */
    private static final int WAIVERS_COLUMN = 8000;

    /**
     * The waivers as the journal keeps them, each between commas (",W-1,W-2,") so that one is found by a LIKE on
     * ",ID,"; null when none. Past the column's 8,000 characters (more than a hundred waivers excusing rules of one
     * verdict) the list ends with "…": the verdict's JSON keeps every one.
     */
    String waiversColumn() {
        if (waivers.isEmpty()) {
            return null;
        }
        String all = "," + String.join(",", waivers) + ",";
        return all.length() <= WAIVERS_COLUMN
                ? all
                : all.substring(0, all.lastIndexOf(',', WAIVERS_COLUMN - 3) + 1) + "…,";
    }
}
