-- The status checks `register` created or updated, by project: the reconciliation sweep covers them from then on,
-- whether or not a webhook ever came from the project (GitLab sends none for merge requests opened before a check
-- existed until they change).
CREATE TABLE registered_check (
    project_id    BIGINT NOT NULL,
    check_id      BIGINT NOT NULL,
    registered_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (project_id, check_id)
);
