-- A job stores the trigger of a webhook, no longer its body: which merge request, commit and check (the key and
-- sha columns), what asked for it, the webhook's action and delivery id, and names to show until GitLab's facts
-- replace them (project_path, mr_title and check_name since V13, the branches and who triggered it here). First of
-- two steps: the payload column may now be NULL, and V17 moves each stored payload into these columns. The column
-- itself goes in a later release, once no replica of a version that still writes it can be running.
ALTER TABLE evaluation_job ADD COLUMN origin VARCHAR(32);
ALTER TABLE evaluation_job ADD COLUMN trigger_action VARCHAR(500);
ALTER TABLE evaluation_job ADD COLUMN delivery_id VARCHAR(200);
ALTER TABLE evaluation_job ADD COLUMN source_branch VARCHAR(2000);
ALTER TABLE evaluation_job ADD COLUMN target_branch VARCHAR(2000);
ALTER TABLE evaluation_job ADD COLUMN triggered_by VARCHAR(2000);
ALTER TABLE evaluation_job ALTER COLUMN payload DROP NOT NULL;
-- Which job a Standard Webhooks delivery made (or found unfinished): a repeated delivery is answered with it.
ALTER TABLE webhook_delivery ADD COLUMN job_id VARCHAR(36);
