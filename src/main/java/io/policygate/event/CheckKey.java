package io.policygate.event;

/** One status check on one merge request: at most one unfinished evaluation exists per key. */
public record CheckKey(long projectId, long mergeRequestIid, long checkId) {

    @Override
    public String toString() {
        return projectId + "!" + mergeRequestIid + "#" + checkId;
    }
}
