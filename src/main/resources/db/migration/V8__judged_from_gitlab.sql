-- A verdict follows from GitLab's facts for the job's SHA, read when the job is evaluated.
-- generation: bumped by each webhook for the same key and SHA while the job is unfinished; a step that began
-- before a bump does not finish the job, which is evaluated again (the newest facts win).
ALTER TABLE evaluation_job ADD COLUMN generation INTEGER DEFAULT 0 NOT NULL;
-- When the job's latest evaluation began: a key is evaluated at most once per policy-gate.webhook.coalesce.
ALTER TABLE evaluation_job ADD COLUMN evaluated_at TIMESTAMP WITH TIME ZONE;
-- The facts the verdict was computed from (JSON): the merge request, its project and status check as GitLab
-- showed them.
ALTER TABLE evaluation_job ADD COLUMN facts TEXT;
-- Set when GitLab showed "passed" for this check and commit although policy-gate had not given it.
ALTER TABLE evaluation_job ADD COLUMN tampered VARCHAR(2000);
-- The verdict each attempt that GitLab took carried: what policy-gate last told GitLab about a commit, even when
-- the job was then evaluated again instead of finishing.
ALTER TABLE report_attempt ADD COLUMN posted_verdict VARCHAR(8);
