-- Per village (ciems, the agglomerations): the connection rate at the end of the period, the
-- properties connected and registered, and those within 50 m of a main still not connected today.
WITH p AS (
  SELECT $1::integer AS municipality_id, $2::integer AS unit_id, $3::date AS date_from, $4::date AS date_to,
         dashboard_area($1::integer, $2::integer) AS area
), units AS (
  SELECT u.id, u.name, u.geom FROM p JOIN territorial_unit u ON u.municipality_id = $1::integer
   WHERE u.kind = 'village' AND (p.area IS NULL OR (ST_Intersects(u.geom, p.area) AND NOT ST_Touches(u.geom, p.area)))
), state AS (
  SELECT u.id AS unit_id, c.id, c.geom,
         CASE WHEN p.date_to IS NULL THEN c.status ELSE status_at('sewer_connection', c.id, p.date_to) END AS status
    FROM p CROSS JOIN units u
    JOIN sewer_connection c ON c.municipality_id = $1::integer AND ST_Intersects(c.geom, u.geom)
), near AS (
  SELECT u.id AS unit_id, count(*)::int AS n
    FROM p CROSS JOIN units u
    JOIN LATERAL (
      SELECT c.id FROM sewer_connection c
       WHERE c.municipality_id = $1::integer AND c.status <> 'connected' AND ST_Intersects(c.geom, u.geom)
         AND EXISTS (SELECT 1 FROM sewer_main s WHERE s.municipality_id = $1::integer AND ST_DWithin(s.geom, c.geom, 50))
      UNION ALL
      -- The main first: the 5 m search for a record runs only for addresses near one.
      SELECT a.id FROM address a
       WHERE a.municipality_id = $1::integer AND ST_Intersects(a.geom, u.geom)
         AND NOT EXISTS (SELECT 1 FROM sewer_connection c WHERE c.municipality_id = $1::integer AND c.address_id = a.id)
         AND EXISTS (SELECT 1 FROM sewer_main s WHERE s.municipality_id = $1::integer AND ST_DWithin(s.geom, a.geom, 50))
         AND NOT EXISTS (SELECT 1 FROM sewer_connection c WHERE c.municipality_id = $1::integer AND ST_DWithin(c.geom, a.geom, 5))
    ) x ON true
   GROUP BY u.id
)
SELECT u.id AS unit_id, u.name,
       round(100.0 * count(*) FILTER (WHERE s.status = 'connected') / nullif(count(s.status), 0), 1)::float8 AS rate,
       count(*) FILTER (WHERE s.status = 'connected')::int AS connected,
       count(s.status)::int AS properties,
       coalesce(max(n.n), 0)::int AS unconnected_near_main
  FROM units u
  LEFT JOIN state s ON s.unit_id = u.id
  LEFT JOIN near n ON n.unit_id = u.id
 GROUP BY u.id, u.name
 ORDER BY u.name, u.id
