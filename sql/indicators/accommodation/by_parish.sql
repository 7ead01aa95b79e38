-- Per parish and town: sites in use, capacity, occupied and free places at the end of the period.
WITH p AS (
  SELECT $1::integer AS municipality_id, $2::integer AS unit_id, $3::date AS date_from, $4::date AS date_to,
         dashboard_area($1::integer, $2::integer) AS area
)
, units AS (
  SELECT u.id, u.name, u.geom FROM p JOIN territorial_unit u ON u.municipality_id = $1::integer
   WHERE u.kind IN ('parish', 'town') AND (p.area IS NULL OR (ST_Intersects(u.geom, p.area) AND NOT ST_Touches(u.geom, p.area)))
)
SELECT u.id AS unit_id, u.name,
       coalesce(sum(s.capacity - s.occupied), 0)::int AS free,
       coalesce(sum(s.capacity), 0)::int AS capacity,
       coalesce(sum(s.occupied), 0)::int AS occupied,
       count(s.id)::int AS sites
  FROM p CROSS JOIN units u
  LEFT JOIN LATERAL accommodation_sites_at($1::integer, u.geom, p.date_to) s ON true
 GROUP BY u.id, u.name
 ORDER BY u.name, u.id
