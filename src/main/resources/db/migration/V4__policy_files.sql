-- Which policy files (path and SHA-256) decided an evaluation, as JSON: months later an auditor can
-- tell which version of a policy made the call.
ALTER TABLE evaluation_job ADD COLUMN policy_files TEXT;
CREATE INDEX evaluation_job_created ON evaluation_job (created_at, id);
