-- Properties connected per month, every month of the period (by default the last 24 months) shown,
-- months without connections as 0.
WITH p AS (
  SELECT $1::integer AS municipality_id, $2::integer AS unit_id, $3::date AS date_from, $4::date AS date_to,
         dashboard_area($1::integer, $2::integer) AS area
), span AS (
  SELECT date_trunc('month', coalesce(p.date_from, (coalesce(p.date_to, current_date) - interval '23 months')::date))::date AS first,
         date_trunc('month', coalesce(p.date_to, current_date))::date AS last
    FROM p
), done AS (
  SELECT date_trunc('month', c.connected_on)::date AS month
    FROM p JOIN sewer_connection c ON c.municipality_id = $1::integer
   WHERE c.connected_on IS NOT NULL AND (p.area IS NULL OR ST_Intersects(c.geom, p.area))
     AND (p.date_from IS NULL OR c.connected_on >= p.date_from) AND (p.date_to IS NULL OR c.connected_on <= p.date_to)
)
SELECT to_char(m, 'YYYY-MM') AS period, count(d.month)::int AS connections
  FROM span, generate_series(span.first, span.last, interval '1 month') AS m
  LEFT JOIN done d ON d.month = m::date
 GROUP BY m
 ORDER BY m
