-- Embedded H2 only: the facts are stored apart from the row, as the payload and the verdict are (V7).
ALTER TABLE evaluation_job ALTER COLUMN facts SET DATA TYPE CLOB;
