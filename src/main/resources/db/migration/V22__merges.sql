-- Every merge of a covered project's merge request the reconciliation sweep saw after policy-gate began covering the
-- project, and whether it passed the gate: policy-gate's own verdict on the merged commit was passed (or waived)
-- before GitLab merged it. An ungated merge keeps why, and whether the note saying so was written on it.
CREATE TABLE merge_record (
    project_id       BIGINT        NOT NULL,
    mr_iid           BIGINT        NOT NULL,
    project_path     VARCHAR(2000),
    title            VARCHAR(2000),
    target_branch    VARCHAR(2000),
    web_url          VARCHAR(2000),
    sha              VARCHAR(64),
    merge_commit_sha VARCHAR(64),
    merged_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    merged_by        VARCHAR(255),
    gated            BOOLEAN       NOT NULL,
    reason           VARCHAR(2000),
    evaluation_id    VARCHAR(36),
    recorded_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    note_due         BOOLEAN       NOT NULL,
    note_result      VARCHAR(2000),
    PRIMARY KEY (project_id, mr_iid)
);
CREATE INDEX merge_record_merged_at ON merge_record (merged_at);
CREATE INDEX merge_record_note_due ON merge_record (note_due);
