-- Every status change (and every occupancy change of an accommodation site) with its time, so
-- dashboards can show trends. Filled by triggers; the time is the row's status_changed_at, which
-- defaults to now() and lets importers record when a change really happened.
CREATE TABLE status_history (
  id               bigserial PRIMARY KEY,
  municipality_id  integer NOT NULL REFERENCES municipality (id) ON DELETE CASCADE,
  entity           text NOT NULL CHECK (entity IN ('sewer_connection', 'street_transfer', 'accommodation_site')),
  entity_id        integer NOT NULL,
  from_status      text,
  to_status        text,
  changed_at       timestamptz NOT NULL,
  changed_by       text NOT NULL DEFAULT coalesce(nullif(current_setting('app.user', true), ''), current_user),
  details          jsonb
);
CREATE INDEX status_history_entity_idx ON status_history (entity, entity_id, changed_at);
CREATE INDEX status_history_time_idx ON status_history (municipality_id, entity, changed_at);

CREATE FUNCTION record_status_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' OR NEW.status IS DISTINCT FROM OLD.status THEN
    INSERT INTO status_history (municipality_id, entity, entity_id, from_status, to_status, changed_at)
    VALUES (NEW.municipality_id, TG_TABLE_NAME, NEW.id,
            CASE WHEN TG_OP = 'UPDATE' THEN OLD.status END, NEW.status, NEW.status_changed_at);
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER sewer_connection_status_history AFTER INSERT OR UPDATE OF status ON sewer_connection
  FOR EACH ROW EXECUTE FUNCTION record_status_change();
CREATE TRIGGER street_transfer_status_history AFTER INSERT OR UPDATE OF status ON street_transfer
  FOR EACH ROW EXECUTE FUNCTION record_status_change();

CREATE FUNCTION record_occupancy_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' OR NEW.occupied IS DISTINCT FROM OLD.occupied OR NEW.capacity IS DISTINCT FROM OLD.capacity THEN
    INSERT INTO status_history (municipality_id, entity, entity_id, changed_at, details)
    VALUES (NEW.municipality_id, 'accommodation_site', NEW.id, NEW.updated_at,
            jsonb_build_object('capacity', NEW.capacity, 'occupied', NEW.occupied,
                               'families', NEW.families, 'children', NEW.children));
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER accommodation_site_occupancy_history AFTER INSERT OR UPDATE OF occupied, capacity ON accommodation_site
  FOR EACH ROW EXECUTE FUNCTION record_occupancy_change();

-- Optimistic locking: every update of a feature bumps its version.
CREATE FUNCTION bump_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.version := OLD.version + 1;
  IF NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at THEN
    NEW.updated_at := now();
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER sewer_connection_version BEFORE UPDATE ON sewer_connection FOR EACH ROW EXECUTE FUNCTION bump_version();
CREATE TRIGGER street_transfer_version BEFORE UPDATE ON street_transfer FOR EACH ROW EXECUTE FUNCTION bump_version();
CREATE TRIGGER accommodation_site_version BEFORE UPDATE ON accommodation_site FOR EACH ROW EXECUTE FUNCTION bump_version();
