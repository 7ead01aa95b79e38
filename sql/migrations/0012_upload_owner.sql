-- Uploads belong to a municipality and to the editor who sent them (issues 4 and 5): a job is
-- published into its own municipality and is visible only to that municipality's editors.
-- Jobs from before accounts existed keep NULLs and are readable by platform administrators only.
ALTER TABLE upload_job
  ADD COLUMN municipality_id integer REFERENCES municipality (id) ON DELETE CASCADE,
  ADD COLUMN user_id bigint REFERENCES app_user (id) ON DELETE SET NULL;
CREATE INDEX upload_job_municipality_idx ON upload_job (municipality_id, created_at DESC);
