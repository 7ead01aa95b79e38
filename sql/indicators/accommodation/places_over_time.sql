-- Capacity, occupied and free places at the end of every month of the period (by default the
-- last 24 months), from the occupancy history.
WITH p AS (
  SELECT $1::integer AS municipality_id, $2::integer AS unit_id, $3::date AS date_from, $4::date AS date_to,
         dashboard_area($1::integer, $2::integer) AS area
)
, months AS (
  SELECT m::date AS first, least((m + interval '1 month - 1 day')::date, coalesce(p.date_to, current_date)) AS last_day
    FROM p, generate_series(
           date_trunc('month', coalesce(p.date_from, (coalesce(p.date_to, current_date) - interval '23 months')::date)),
           date_trunc('month', coalesce(p.date_to, current_date)), interval '1 month') AS m
)
SELECT to_char(m.first, 'YYYY-MM') AS period,
       coalesce(sum(s.capacity), 0)::int AS capacity,
       coalesce(sum(s.occupied), 0)::int AS occupied,
       coalesce(sum(s.capacity - s.occupied), 0)::int AS free,
       count(s.id)::int AS sites
  FROM p CROSS JOIN months m
  LEFT JOIN LATERAL accommodation_sites_at($1::integer, p.area, m.last_day) s ON true
 GROUP BY m.first
 ORDER BY m.first
