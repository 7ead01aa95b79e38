-- Properties within 50 m of a sewer main that are not connected today: connection records in any
-- status but 'connected', and addresses with no connection record at all (linked by address or
-- within 5 m). The same rule as the work list (sql/queries/sewer_unconnected.sql).
WITH p AS (
  SELECT $1::integer AS municipality_id, $2::integer AS unit_id, $3::date AS date_from, $4::date AS date_to,
         dashboard_area($1::integer, $2::integer) AS area
), candidates AS (
  SELECT c.geom FROM p JOIN sewer_connection c ON c.municipality_id = $1::integer
   WHERE c.status <> 'connected' AND (p.area IS NULL OR ST_Intersects(c.geom, p.area))
  UNION ALL
  SELECT a.geom FROM p JOIN address a ON a.municipality_id = $1::integer
   WHERE (p.area IS NULL OR ST_Intersects(a.geom, p.area))
     AND NOT EXISTS (SELECT 1 FROM sewer_connection c WHERE c.municipality_id = $1::integer AND c.address_id = a.id)
     AND NOT EXISTS (SELECT 1 FROM sewer_connection c WHERE c.municipality_id = $1::integer AND ST_DWithin(c.geom, a.geom, 5))
)
SELECT count(*)::int AS value
  FROM candidates x, p
 WHERE EXISTS (SELECT 1 FROM sewer_main s WHERE s.municipality_id = $1::integer AND ST_DWithin(s.geom, x.geom, 50))
