-- Applications in the pipeline at the end of the period (today when none is chosen), by status as
-- it stood then: how many, and how long they had waited since the application (median and
-- longest, in days to the end of the period, or to today for a period not over yet). Records filed
-- later do not exist yet (sewer_connections_at).
WITH p AS (
  SELECT $1::integer AS municipality_id, $2::integer AS unit_id, $3::date AS date_from, $4::date AS date_to,
         least(coalesce($4::date, current_date), current_date) AS upto,
         dashboard_area($1::integer, $2::integer) AS area
), open AS (
  SELECT c.status, p.upto - c.applied_on AS waited
    FROM p, sewer_connections_at($1::integer, p.area, p.date_to) c
   WHERE c.status IN ('applied', 'technical_conditions', 'construction')
)
SELECT s.status AS category,
       count(o.status)::int AS applications,
       coalesce(percentile_cont(0.5) WITHIN GROUP (ORDER BY o.waited), 0)::float8 AS median_days,
       coalesce(max(o.waited), 0)::int AS longest_days
  FROM unnest(ARRAY['applied', 'technical_conditions', 'construction']) WITH ORDINALITY AS s(status, ord)
  LEFT JOIN open o ON o.status = s.status
 GROUP BY s.status, s.ord
 ORDER BY s.ord
