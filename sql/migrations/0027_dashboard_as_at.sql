-- Dashboards "as at" the end of a period (issue 17): every stock, wait and count is what it was at
-- the end of the chosen day, never today's value and never a record filed later.

-- Sewer connection records as they stood at the end of a day (NULL, today or later: now) within an
-- area (NULL: all); a record created after the day does not exist yet. For a record in the pipeline
-- then, `applied_on` is the day its application was filed as known then: the recorded application
-- date when it is not after the day, else the day it last entered the pipeline by the status
-- history. A wait measured from it to the day is therefore never negative.
CREATE FUNCTION sewer_connections_at(m integer, area geometry, day date)
RETURNS TABLE (id integer, status text, applied_on date, address_id integer, property_address text, geom geometry)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  WITH d AS (SELECT CASE WHEN day < current_date THEN day END AS past, least(coalesce(day, current_date), current_date) AS upto)
  SELECT c.id, x.status,
         CASE WHEN x.status IN ('applied', 'technical_conditions', 'construction') THEN
           coalesce(
             CASE WHEN c.applied_on <= d.upto THEN c.applied_on END,
             (SELECT h.changed_at::date FROM status_history h
               WHERE h.entity = 'sewer_connection' AND h.entity_id = c.id AND h.changed_at < d.upto + 1
                 AND h.to_status IN ('applied', 'technical_conditions', 'construction')
                 AND (h.from_status IS NULL OR h.from_status NOT IN ('applied', 'technical_conditions', 'construction'))
               ORDER BY h.changed_at DESC, h.id DESC LIMIT 1),
             least(c.status_changed_at::date, d.upto))
         END,
         c.address_id, c.property_address, c.geom
    FROM d CROSS JOIN sewer_connection c
   CROSS JOIN LATERAL (SELECT CASE WHEN d.past IS NULL THEN c.status ELSE status_at('sewer_connection', c.id, d.past) END AS status) x
   WHERE c.municipality_id = m AND x.status IS NOT NULL
     AND (area IS NULL OR ST_Intersects(c.geom, area))
$$;

-- The sewer connection register per territorial unit of the given kinds (settlements: towns and
-- villages; parishes: parishes and towns) at the end of a day (NULL: today), within an area: the
-- records then, those connected, and the properties within 50 m of a main not connected then (as
-- sql/indicators/sewer/unconnected_near_main.sql counts them). Each record and property counts in
-- one unit only: a village before the town around it (as the address importer places addresses),
-- else the lowest id where units touch; those in none in a last row with a NULL unit ("outside any
-- settlement"), listed when it has any, so the rows add up to the whole.
CREATE FUNCTION sewer_by_unit(m integer, area geometry, day date, kinds text[])
RETURNS TABLE (unit_id integer, name text, rate float8, connected integer, properties integer, unconnected_near_main integer)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  WITH d AS (
    SELECT CASE WHEN day < current_date THEN day END AS past,
           extract(year FROM least(coalesce(day, current_date), current_date))::int AS year
  ), units AS (
    SELECT u.id, u.name, u.kind, u.geom FROM territorial_unit u
     WHERE u.municipality_id = m AND u.kind = ANY (kinds)
       AND (area IS NULL OR (ST_Intersects(u.geom, area) AND NOT ST_Touches(u.geom, area)))
  ), records AS (
    SELECT c.status, c.geom FROM sewer_connections_at(m, area, day) c
  ), near AS (
    SELECT c.geom FROM d CROSS JOIN sewer_connection c
     WHERE c.municipality_id = m AND (area IS NULL OR ST_Intersects(c.geom, area))
       AND (CASE WHEN d.past IS NULL THEN c.status ELSE status_at('sewer_connection', c.id, d.past) END) IS DISTINCT FROM 'connected'
       AND EXISTS (SELECT 1 FROM sewer_main s WHERE s.municipality_id = m AND (s.year_built IS NULL OR s.year_built <= d.year)
                      AND ST_DWithin(s.geom, c.geom, 50))
    UNION ALL
    SELECT a.geom FROM d CROSS JOIN address a
     WHERE a.municipality_id = m AND (area IS NULL OR ST_Intersects(a.geom, area))
       AND NOT EXISTS (SELECT 1 FROM sewer_connection c WHERE c.municipality_id = m AND c.address_id = a.id)
       AND EXISTS (SELECT 1 FROM sewer_main s WHERE s.municipality_id = m AND (s.year_built IS NULL OR s.year_built <= d.year)
                      AND ST_DWithin(s.geom, a.geom, 50))
       AND NOT EXISTS (SELECT 1 FROM sewer_connection c WHERE c.municipality_id = m AND ST_DWithin(c.geom, a.geom, 5))
  ), placed AS (
    SELECT (SELECT u.id FROM units u WHERE ST_Intersects(u.geom, r.geom) ORDER BY u.kind = 'village' DESC, u.id LIMIT 1) AS unit_id,
           r.status, false AS near
      FROM records r
    UNION ALL
    SELECT (SELECT u.id FROM units u WHERE ST_Intersects(u.geom, n.geom) ORDER BY u.kind = 'village' DESC, u.id LIMIT 1), NULL, true
      FROM near n
  ), counted AS (
    SELECT x.unit_id,
           count(*) FILTER (WHERE NOT x.near AND x.status = 'connected')::int AS connected,
           count(*) FILTER (WHERE NOT x.near)::int AS properties,
           count(*) FILTER (WHERE x.near)::int AS near
      FROM placed x GROUP BY x.unit_id
  )
  SELECT u.id, u.name,
         round(100.0 * k.connected / nullif(k.properties, 0), 1)::float8,
         coalesce(k.connected, 0), coalesce(k.properties, 0), coalesce(k.near, 0)
    FROM (SELECT id, name, 0 AS last FROM units UNION ALL SELECT NULL, NULL, 1) u
    LEFT JOIN counted k ON k.unit_id IS NOT DISTINCT FROM u.id
   WHERE u.id IS NOT NULL OR k.unit_id IS NULL AND (k.properties > 0 OR k.near > 0)
   ORDER BY u.last, u.name, u.id
$$;
