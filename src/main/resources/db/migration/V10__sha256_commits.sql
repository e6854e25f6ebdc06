-- SHA-256 repositories (GitLab's object_format sha256) name commits with 64 hex characters.
ALTER TABLE evaluation_job ALTER COLUMN sha SET DATA TYPE VARCHAR(64);
