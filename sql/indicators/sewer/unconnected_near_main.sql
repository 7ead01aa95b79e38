-- Properties within 50 m of a sewer main that were not connected at the end of the period:
-- connection records in any status but 'connected' then (a record surveyed later was a property
-- not connected yet), and addresses with no connection record at all (linked by address or within
-- 5 m). Mains built after the period's year do not count. The same rule as the work list
-- (sql/queries/sewer_unconnected.sql) for today. The main is tested before the 5 m search for a
-- record, so that search runs only for addresses near a main (0.54 s instead of 0.77 s on the 10×
-- benchmark copy).
WITH p AS (
  SELECT $1::integer AS municipality_id, $2::integer AS unit_id, $3::date AS date_from, $4::date AS date_to,
         CASE WHEN $4::date < current_date THEN $4::date END AS past,
         extract(year FROM least(coalesce($4::date, current_date), current_date))::int AS year,
         dashboard_area($1::integer, $2::integer) AS area
), candidates AS (
  SELECT c.id FROM p JOIN sewer_connection c ON c.municipality_id = $1::integer
   WHERE (p.area IS NULL OR ST_Intersects(c.geom, p.area))
     AND (CASE WHEN p.past IS NULL THEN c.status ELSE status_at('sewer_connection', c.id, p.past) END) IS DISTINCT FROM 'connected'
     AND EXISTS (SELECT 1 FROM sewer_main s WHERE s.municipality_id = $1::integer AND (s.year_built IS NULL OR s.year_built <= p.year)
                   AND ST_DWithin(s.geom, c.geom, 50))
  UNION ALL
  SELECT a.id FROM p JOIN address a ON a.municipality_id = $1::integer
   WHERE (p.area IS NULL OR ST_Intersects(a.geom, p.area))
     AND NOT EXISTS (SELECT 1 FROM sewer_connection c WHERE c.municipality_id = $1::integer AND c.address_id = a.id)
     AND EXISTS (SELECT 1 FROM sewer_main s WHERE s.municipality_id = $1::integer AND (s.year_built IS NULL OR s.year_built <= p.year)
                   AND ST_DWithin(s.geom, a.geom, 50))
     AND NOT EXISTS (SELECT 1 FROM sewer_connection c WHERE c.municipality_id = $1::integer AND ST_DWithin(c.geom, a.geom, 5))
)
SELECT count(*)::int AS value FROM candidates
