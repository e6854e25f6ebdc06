-- Claiming the next due job must not sort every job ever received: next_attempt_at is now NULL once a
-- job is finished, and the index on it gives the due jobs in order straight away (H2 and PostgreSQL).
ALTER TABLE evaluation_job ALTER COLUMN next_attempt_at DROP NOT NULL;
UPDATE evaluation_job SET next_attempt_at = NULL WHERE state IN ('reported', 'superseded', 'dead');
DROP INDEX evaluation_job_due;
CREATE INDEX evaluation_job_next_attempt ON evaluation_job (next_attempt_at);
