-- The status GitLab showed for the job's check at its commit when policy-gate queued the job from GitLab's own
-- answer (the reconciliation sweep): the evaluation holds it against its verdict to find a status someone else
-- posted. Null for webhooks, which carry no status.
ALTER TABLE evaluation_job ADD COLUMN gitlab_status VARCHAR(16);
