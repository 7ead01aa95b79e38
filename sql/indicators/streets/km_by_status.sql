-- Number and length of streets in each status at the end of the period, every status listed.
WITH p AS (
  SELECT $1::integer AS municipality_id, $2::integer AS unit_id, $3::date AS date_from, $4::date AS date_to,
         dashboard_area($1::integer, $2::integer) AS area
)
SELECT k.status AS category, round(coalesce(sum(s.length_m), 0) / 1000, 2)::float8 AS km, count(s.id)::int AS streets
  FROM p
 CROSS JOIN unnest(ARRAY['application', 'document_check', 'inspection', 'council_decision', 'land_register', 'accepted', 'rejected'])
       WITH ORDINALITY AS k(status, ord)
  LEFT JOIN LATERAL (SELECT * FROM street_transfers_at($1::integer, p.area, p.date_to) x WHERE x.status = k.status) s ON true
 GROUP BY k.status, k.ord
 ORDER BY k.ord
