-- Sites in use and free places by type of site at the end of the period, every type listed.
WITH p AS (
  SELECT $1::integer AS municipality_id, $2::integer AS unit_id, $3::date AS date_from, $4::date AS date_to,
         dashboard_area($1::integer, $2::integer) AS area
)
SELECT k.site_type AS category, coalesce(sum(s.capacity - s.occupied), 0)::int AS free, count(s.id)::int AS sites
  FROM p
 CROSS JOIN unnest(ARRAY['municipal', 'hotel', 'dormitory', 'private_house', 'apartment', 'other']) WITH ORDINALITY AS k(site_type, ord)
  LEFT JOIN LATERAL (SELECT * FROM accommodation_sites_at($1::integer, p.area, p.date_to) x WHERE x.site_type = k.site_type) s ON true
 GROUP BY k.site_type, k.ord
 ORDER BY k.ord
