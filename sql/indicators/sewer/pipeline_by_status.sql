-- Applications in the pipeline today, by status: how many, and how long they have waited since
-- the application (median and longest, in days to the end of the period or today).
WITH p AS (
  SELECT $1::integer AS municipality_id, $2::integer AS unit_id, $3::date AS date_from, $4::date AS date_to,
         dashboard_area($1::integer, $2::integer) AS area
), open AS (
  SELECT c.status, coalesce(p.date_to, current_date) - coalesce(c.applied_on, c.status_changed_at::date) AS waited
    FROM p JOIN sewer_connection c ON c.municipality_id = $1::integer
   WHERE c.status IN ('applied', 'technical_conditions', 'construction')
     AND (p.area IS NULL OR ST_Intersects(c.geom, p.area))
)
SELECT s.status AS category,
       count(o.status)::int AS applications,
       coalesce(percentile_cont(0.5) WITHIN GROUP (ORDER BY o.waited), 0)::float8 AS median_days,
       coalesce(max(o.waited), 0)::int AS longest_days
  FROM unnest(ARRAY['applied', 'technical_conditions', 'construction']) WITH ORDINALITY AS s(status, ord)
  LEFT JOIN open o ON o.status = s.status
 GROUP BY s.status, s.ord
 ORDER BY s.ord
