-- Sites in use with step-free access, and their share of all sites in use.
WITH p AS (
  SELECT $1::integer AS municipality_id, $2::integer AS unit_id, $3::date AS date_from, $4::date AS date_to,
         dashboard_area($1::integer, $2::integer) AS area
)
SELECT round(100.0 * count(*) FILTER (WHERE s.accessible) / nullif(count(*), 0), 1)::float8 AS value,
       count(*) FILTER (WHERE s.accessible)::int AS numerator,
       count(*)::int AS denominator,
       count(*)::int AS sites
  FROM p, accommodation_sites_at($1::integer, p.area, p.date_to) s
