-- The merge request note that explains a reported verdict is written after the report, by its own worker:
-- note_due_at says when (NULL: nothing to write), note_result what came of it (shown on the details page).
-- Kept in the journal so that a restart does not leave a merge request with a stale explanation.
ALTER TABLE evaluation_job ADD COLUMN note_due_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE evaluation_job ADD COLUMN note_attempts INTEGER DEFAULT 0 NOT NULL;
ALTER TABLE evaluation_job ADD COLUMN note_result VARCHAR(2000);
CREATE INDEX evaluation_job_note_due ON evaluation_job (note_due_at);
