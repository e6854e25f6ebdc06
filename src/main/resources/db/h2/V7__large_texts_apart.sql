-- Embedded H2 only (PostgreSQL moves large values out of the row by itself, TOAST). H2 keeps a TEXT in
-- its row, so each step of a job (claimed, evaluated, reported, note written) rewrote the 5 KB payload
-- and the verdict with the row, and the CHECKPOINT every webhook waits for (DurableIntake) had to write
-- all of that again. A CLOB of more than a few hundred characters is stored apart and written once.
ALTER TABLE evaluation_job ALTER COLUMN payload SET DATA TYPE CLOB;
ALTER TABLE evaluation_job ALTER COLUMN verdict_detail SET DATA TYPE CLOB;
ALTER TABLE evaluation_job ALTER COLUMN policy_files SET DATA TYPE CLOB;
