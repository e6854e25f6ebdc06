-- Where the policy set that decided a verdict was read: the folder, or the repository (project, folder, ref) and the
-- commit its files were read at. Null for verdicts reached before policy-gate recorded it.
ALTER TABLE evaluation_job ADD COLUMN policy_source VARCHAR(500);
ALTER TABLE evaluation_job ADD COLUMN policy_commit VARCHAR(64);
