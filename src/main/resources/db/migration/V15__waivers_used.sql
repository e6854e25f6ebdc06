-- The waivers that excused a rule of the verdict, each between commas (",W-2026-014,W-2026-020,"), so that the
-- history can be filtered by waiver and the audit export can say which waivers each verdict used. Null: none.
ALTER TABLE evaluation_job ADD COLUMN waivers VARCHAR(8000);
