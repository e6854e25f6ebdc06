-- Each covered project's gate posture as the reconciliation sweep last judged it: whether policy-gate's check is in
-- place, signed, covering the branches the policies target, enforced by "Status checks must succeed", and no merge
-- went without policy-gate's pass lately. problems: one line of plain language each, newline-separated; none when ok.
CREATE TABLE project_posture (
    project_id   BIGINT        NOT NULL PRIMARY KEY,
    project_path VARCHAR(2000),
    ok           BOOLEAN       NOT NULL,
    problems     TEXT,
    judged_at    TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX project_posture_judged_at ON project_posture (judged_at);
