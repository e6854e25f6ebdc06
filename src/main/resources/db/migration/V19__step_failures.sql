-- A job's step that failed in a way policy-gate did not foresee (a bug, an error in a plug-in): what failed, and how
-- many steps in a row failed so. After policy-gate.worker.max-step-failures alike the job ends dead saying why,
-- rather than being claimed again at every lease for ever.
ALTER TABLE evaluation_job ADD COLUMN step_failure VARCHAR(2000);
ALTER TABLE evaluation_job ADD COLUMN step_failures INTEGER DEFAULT 0 NOT NULL;
