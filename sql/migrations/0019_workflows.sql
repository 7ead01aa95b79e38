-- Municipal workflows (issue 6): the fields the pipelines record that 0003/0004 did not have,
-- a status for accommodation sites, and saved work lists shared within a municipality.

-- Sewer connections: the technical conditions' number and why an application was refused.
ALTER TABLE sewer_connection
  ADD COLUMN technical_conditions_number text CHECK (length(technical_conditions_number) <= 40),
  ADD COLUMN refusal_reason              text CHECK (length(refusal_reason) <= 1000);

-- Street transfers: one date per step, the inspection's findings (surface, lighting, drainage) and
-- the Land Register entry. decision_number/decision_date and yearly_maintenance_eur exist (0004).
ALTER TABLE street_transfer
  ADD COLUMN document_check_on     date,
  ADD COLUMN inspection_on         date,
  ADD COLUMN surface_condition     text CHECK (surface_condition IN ('good', 'fair', 'poor')),
  ADD COLUMN lighting_condition    text CHECK (lighting_condition IN ('good', 'fair', 'poor', 'none')),
  ADD COLUMN drainage_condition    text CHECK (drainage_condition IN ('good', 'fair', 'poor', 'none')),
  ADD COLUMN land_register_on      date,
  ADD COLUMN land_register_folio   text CHECK (length(land_register_folio) <= 40),
  ADD COLUMN rejected_on           date,
  ADD COLUMN rejection_reason      text CHECK (length(rejection_reason) <= 1000);

-- Accommodation sites: planned → active → closed (a closed site may reopen). Existing sites are in use.
ALTER TABLE accommodation_site
  ADD COLUMN status             text NOT NULL DEFAULT 'active' CHECK (status IN ('planned', 'active', 'closed')),
  ADD COLUMN status_changed_at  timestamptz NOT NULL DEFAULT now(),
  ADD COLUMN note               text CHECK (length(note) <= 2000);

-- A saved, shareable query (e.g. unconnected properties near a sewer main), run on demand.
CREATE TABLE worklist (
  id               serial PRIMARY KEY,
  municipality_id  integer NOT NULL REFERENCES municipality (id) ON DELETE CASCADE,
  name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  kind             text NOT NULL CHECK (kind IN ('sewer-unconnected')),
  params           jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_by       bigint REFERENCES app_user (id) ON DELETE SET NULL,
  created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX worklist_municipality_idx ON worklist (municipality_id, created_at DESC);

SELECT apply_tenant_policies();
