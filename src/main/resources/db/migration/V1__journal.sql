-- The journal: every accepted webhook is a row here before we answer 202.
-- Portable SQL: the same migration runs on H2 (embedded default) and PostgreSQL.
CREATE TABLE evaluation_job (
    id              VARCHAR(36)  NOT NULL PRIMARY KEY,
    project_id      BIGINT       NOT NULL,
    mr_iid          BIGINT       NOT NULL,
    check_id        BIGINT       NOT NULL,
    sha             VARCHAR(40)  NOT NULL,
    -- "project!iid#check" while the job is unfinished, NULL once it is reported, superseded or dead:
    -- the unique constraint allows at most one unfinished job per key (NULLs do not collide).
    active_key      VARCHAR(80)  UNIQUE,
    state           VARCHAR(16)  NOT NULL,
    payload         TEXT         NOT NULL,
    verdict         VARCHAR(8),
    verdict_detail  TEXT,
    attempts        INTEGER      NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP WITH TIME ZONE NOT NULL,
    lease_owner     VARCHAR(120),
    lease_until     TIMESTAMP WITH TIME ZONE,
    last_error      VARCHAR(2000),
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    finished_at     TIMESTAMP WITH TIME ZONE
);

CREATE INDEX evaluation_job_due ON evaluation_job (state, next_attempt_at);
CREATE INDEX evaluation_job_mr ON evaluation_job (project_id, mr_iid, created_at);

CREATE TABLE report_attempt (
    job_id      VARCHAR(36) NOT NULL REFERENCES evaluation_job (id) ON DELETE CASCADE,
    attempt     INTEGER     NOT NULL,
    started_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    duration_ms BIGINT      NOT NULL,
    http_status INTEGER,
    outcome     VARCHAR(16) NOT NULL,
    detail      VARCHAR(2000),
    PRIMARY KEY (job_id, attempt)
);
