-- What each verdict would be with audit policies and rules enforced: the history filters on it to show
-- how many merge requests an audited policy would block. NULL for evaluations stored before.
ALTER TABLE evaluation_job ADD COLUMN verdict_if_enforced VARCHAR(8);

-- Impact previews of candidate policy sets (POST /api/v1/policies/preview), kept for their pages.
CREATE TABLE policy_preview (
    id         VARCHAR(36)  NOT NULL PRIMARY KEY,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    scope      VARCHAR(1000) NOT NULL,
    summary    VARCHAR(500) NOT NULL,
    result     TEXT         NOT NULL
);
CREATE INDEX policy_preview_created ON policy_preview (created_at);
