-- Connection rate: of the properties in the register of sewer connections (every property near a
-- main gets a record when surveyed), the share connected at the end of the period; records
-- created later are not counted.
WITH p AS (
  SELECT $1::integer AS municipality_id, $2::integer AS unit_id, $3::date AS date_from, $4::date AS date_to,
         dashboard_area($1::integer, $2::integer) AS area
)
SELECT count(*) FILTER (WHERE c.status = 'connected')::int AS numerator,
       count(*)::int AS denominator,
       round(100.0 * count(*) FILTER (WHERE c.status = 'connected') / nullif(count(*), 0), 1)::float8 AS value
  FROM p, sewer_connections_at($1::integer, p.area, p.date_to) c
