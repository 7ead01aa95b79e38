-- Length of the streets accepted by the municipality at the end of the period.
WITH p AS (
  SELECT $1::integer AS municipality_id, $2::integer AS unit_id, $3::date AS date_from, $4::date AS date_to,
         dashboard_area($1::integer, $2::integer) AS area
)
SELECT round(coalesce(sum(s.length_m), 0) / 1000, 2)::float8 AS value, count(*)::int AS streets
  FROM p, street_transfers_at($1::integer, p.area, p.date_to) s
 WHERE s.status = 'accepted'
