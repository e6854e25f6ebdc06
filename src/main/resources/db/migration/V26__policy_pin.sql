-- An operator's emergency pin of the policy repository to one commit (POST /api/v1/policies/pin): at most one row,
-- read by every replica, so that all of them leave the ref and stay at that commit until it is removed.
CREATE TABLE policy_pin (
    id INT PRIMARY KEY,
    commit_sha VARCHAR(64) NOT NULL,
    pinned_by VARCHAR(200) NOT NULL,
    pinned_at TIMESTAMP NOT NULL,
    reason VARCHAR(1000) NOT NULL
);
