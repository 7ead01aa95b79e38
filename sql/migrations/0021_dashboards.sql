-- Decision dashboards (issue 7): helpers the indicator queries in sql/indicators/ share. Every
-- indicator is computed from live data on request; nothing here stores a result.

-- The area a dashboard is filtered to: a territorial unit of the municipality, or NULL for the
-- whole municipality (no spatial filter). Runs as the caller, so row-level security applies.
CREATE FUNCTION dashboard_area(m integer, unit integer) RETURNS geometry
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN unit IS NULL THEN NULL
              ELSE (SELECT geom FROM territorial_unit WHERE id = unit AND municipality_id = m) END
$$;

-- The status a workflow record had at the end of a day, from status_history (the triggers of
-- 0005 write every change with its real time); NULL when the record did not exist yet.
CREATE FUNCTION status_at(entity_name text, record_id integer, day date) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT to_status FROM status_history
   WHERE entity = entity_name AND entity_id = record_id AND changed_at < day + 1 AND to_status IS NOT NULL
   ORDER BY changed_at DESC, id DESC
   LIMIT 1
$$;

-- An accommodation site's capacity and occupancy at the end of a day (the occupancy history of 0005).
CREATE FUNCTION occupancy_at(record_id integer, day date) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT details FROM status_history
   WHERE entity = 'accommodation_site' AND entity_id = record_id AND changed_at < day + 1 AND details IS NOT NULL
   ORDER BY changed_at DESC, id DESC
   LIMIT 1
$$;

-- "Addresses with no connection record" looks records up by address (the dashboards, the work list).
CREATE INDEX sewer_connection_address_idx ON sewer_connection (address_id);

-- Street transfers as they stood at the end of a day (NULL: today) within an area (NULL: all),
-- each street counted in the area holding a point of its surface, so a street never counts twice.
CREATE FUNCTION street_transfers_at(m integer, area geometry, day date)
RETURNS TABLE (id integer, status text, length_m numeric, yearly_maintenance_eur numeric, accepted_on date, geom geometry)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT s.id, x.status, s.length_m, s.yearly_maintenance_eur, s.accepted_on, s.geom
    FROM street_transfer s
   CROSS JOIN LATERAL (SELECT CASE WHEN day IS NULL THEN s.status ELSE status_at('street_transfer', s.id, day) END AS status) x
   WHERE s.municipality_id = m AND x.status IS NOT NULL
     AND (area IS NULL OR ST_Intersects(ST_PointOnSurface(s.geom), area))
$$;

-- Accommodation sites in use at the end of a day (NULL: today) within an area (NULL: all), with
-- their capacity and occupancy then. A site is in use when it is active, or when on that day it had
-- occupancy records, was within its period and had not been closed or planned since.
CREATE FUNCTION accommodation_sites_at(m integer, area geometry, day date)
RETURNS TABLE (id integer, site_type text, accessible boolean, capacity integer, occupied integer, geom geometry)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT a.id, a.site_type, a.accessible, x.capacity, x.occupied, a.geom
    FROM accommodation_site a
   CROSS JOIN LATERAL (
     SELECT CASE WHEN day IS NULL THEN a.capacity ELSE (h.details ->> 'capacity')::integer END AS capacity,
            CASE WHEN day IS NULL THEN a.occupied ELSE (h.details ->> 'occupied')::integer END AS occupied,
            h.details
       FROM (SELECT CASE WHEN day IS NULL THEN NULL ELSE occupancy_at(a.id, day) END AS details) h
   ) x
   WHERE a.municipality_id = m
     AND (area IS NULL OR ST_Intersects(a.geom, area))
     AND CASE WHEN day IS NULL THEN a.status = 'active'
              ELSE x.details IS NOT NULL
               AND a.status <> 'planned'
               AND NOT (a.status = 'closed' AND a.status_changed_at < day + 1)
               AND (a.period_from IS NULL OR a.period_from <= day)
               AND (a.period_to IS NULL OR a.period_to >= day) END
$$;
