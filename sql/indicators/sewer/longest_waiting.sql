-- The ten applications in the pipeline that have waited longest since the application.
WITH p AS (
  SELECT $1::integer AS municipality_id, $2::integer AS unit_id, $3::date AS date_from, $4::date AS date_to,
         dashboard_area($1::integer, $2::integer) AS area
)
SELECT c.id, c.property_address AS address, c.status, c.applied_on::text AS applied_on,
       coalesce(p.date_to, current_date) - coalesce(c.applied_on, c.status_changed_at::date) AS days
  FROM p JOIN sewer_connection c ON c.municipality_id = $1::integer
 WHERE c.status IN ('applied', 'technical_conditions', 'construction')
   AND (p.area IS NULL OR ST_Intersects(c.geom, p.area))
 ORDER BY days DESC, c.id
 LIMIT 10
