-- Streets accepted per year (by the acceptance date) within the period and still accepted at its
-- end, and their length.
WITH p AS (
  SELECT $1::integer AS municipality_id, $2::integer AS unit_id, $3::date AS date_from, $4::date AS date_to,
         dashboard_area($1::integer, $2::integer) AS area
)
SELECT extract(year FROM s.accepted_on)::int::text AS period, count(*)::int AS streets,
       round(coalesce(sum(s.length_m), 0) / 1000, 2)::float8 AS km
  FROM p, street_transfers_at($1::integer, p.area, p.date_to) s
 WHERE s.status = 'accepted' AND s.accepted_on IS NOT NULL
   AND (p.date_from IS NULL OR s.accepted_on >= p.date_from) AND (p.date_to IS NULL OR s.accepted_on <= p.date_to)
 GROUP BY 1
 ORDER BY 1
