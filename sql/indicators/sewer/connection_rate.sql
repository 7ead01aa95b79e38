-- Connection rate: of the properties in the register of sewer connections (every property near a
-- main gets a record when surveyed), the share connected at the end of the period.
WITH p AS (
  SELECT $1::integer AS municipality_id, $2::integer AS unit_id, $3::date AS date_from, $4::date AS date_to,
         dashboard_area($1::integer, $2::integer) AS area
), state AS (
  SELECT CASE WHEN p.date_to IS NULL THEN c.status ELSE status_at('sewer_connection', c.id, p.date_to) END AS status
    FROM p JOIN sewer_connection c ON c.municipality_id = $1::integer
   WHERE p.area IS NULL OR ST_Intersects(c.geom, p.area)
)
SELECT count(*) FILTER (WHERE status = 'connected')::int AS numerator,
       count(status)::int AS denominator,
       round(100.0 * count(*) FILTER (WHERE status = 'connected') / nullif(count(status), 0), 1)::float8 AS value
  FROM state
