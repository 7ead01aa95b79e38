-- Free places, capacity and occupied places in the sites in use at the end of the period.
WITH p AS (
  SELECT $1::integer AS municipality_id, $2::integer AS unit_id, $3::date AS date_from, $4::date AS date_to,
         dashboard_area($1::integer, $2::integer) AS area
)
SELECT coalesce(sum(s.capacity - s.occupied), 0)::int AS value,
       coalesce(sum(s.capacity), 0)::int AS capacity,
       coalesce(sum(s.occupied), 0)::int AS occupied,
       count(*)::int AS sites
  FROM p, accommodation_sites_at($1::integer, p.area, p.date_to) s
