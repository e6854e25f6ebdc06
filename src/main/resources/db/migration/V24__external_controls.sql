-- GitLab's compliance centre asks policy-gate, as an external control of a compliance requirement, whether a
-- project complies: each request is kept here (one row per project and control: a later request replaces an
-- earlier one still due) until the control's status was set in GitLab, GitLab refused it, or GitLab's 30 minutes
-- for a pending control passed.
CREATE TABLE external_control_request (
    project_id   BIGINT        NOT NULL,
    control_id   BIGINT        NOT NULL,
    secret_name  VARCHAR(200),
    received_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    state        VARCHAR(16)   NOT NULL,
    due_at       TIMESTAMP WITH TIME ZONE,
    attempts     INTEGER       NOT NULL,
    status       VARCHAR(8),
    detail       VARCHAR(2000),
    lease_owner  VARCHAR(120),
    lease_until  TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (project_id, control_id)
);
CREATE INDEX external_control_request_due ON external_control_request (state, due_at);
