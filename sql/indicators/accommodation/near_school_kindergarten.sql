-- Share of the sites in use with both a school and a kindergarten within 1 km (straight line).
WITH p AS (
  SELECT $1::integer AS municipality_id, $2::integer AS unit_id, $3::date AS date_from, $4::date AS date_to,
         dashboard_area($1::integer, $2::integer) AS area
)
, sites AS (
  SELECT EXISTS (SELECT 1 FROM facility f WHERE f.municipality_id = $1::integer AND f.category = 'school' AND ST_DWithin(f.geom, s.geom, 1000))
     AND EXISTS (SELECT 1 FROM facility f WHERE f.municipality_id = $1::integer AND f.category = 'kindergarten' AND ST_DWithin(f.geom, s.geom, 1000)) AS near
    FROM p, accommodation_sites_at($1::integer, p.area, p.date_to) s
)
SELECT round(100.0 * count(*) FILTER (WHERE near) / nullif(count(*), 0), 1)::float8 AS value,
       count(*) FILTER (WHERE near)::int AS numerator,
       count(*)::int AS denominator,
       count(*)::int AS sites
  FROM sites
