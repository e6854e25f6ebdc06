-- What the history's lists and the merge request note show of a job's merge request: stored with the job (from
-- the webhook) and again with its verdict (from GitLab's facts), so that listing evaluations or writing a note
-- parses no payload. Rows stored before this migration have NULL here and are read from their payload.
ALTER TABLE evaluation_job ADD COLUMN project_path VARCHAR(2000);
ALTER TABLE evaluation_job ADD COLUMN mr_title VARCHAR(2000);
ALTER TABLE evaluation_job ADD COLUMN check_name VARCHAR(2000);
