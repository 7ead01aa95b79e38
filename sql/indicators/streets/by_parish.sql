-- Per parish and town: municipal (accepted), in-transfer and private (rejected) street length at
-- the end of the period, and the share taken over of all streets with a transfer record.
WITH p AS (
  SELECT $1::integer AS municipality_id, $2::integer AS unit_id, $3::date AS date_from, $4::date AS date_to,
         dashboard_area($1::integer, $2::integer) AS area
)
, units AS (
  SELECT u.id, u.name, u.geom FROM p JOIN territorial_unit u ON u.municipality_id = $1::integer
   WHERE u.kind IN ('parish', 'town') AND (p.area IS NULL OR (ST_Intersects(u.geom, p.area) AND NOT ST_Touches(u.geom, p.area)))
), km AS (
  SELECT u.id,
         coalesce(sum(s.length_m) FILTER (WHERE s.status = 'accepted'), 0) / 1000 AS municipal,
         coalesce(sum(s.length_m) FILTER (WHERE s.status NOT IN ('accepted', 'rejected')), 0) / 1000 AS in_transfer,
         coalesce(sum(s.length_m) FILTER (WHERE s.status = 'rejected'), 0) / 1000 AS private
    FROM p CROSS JOIN units u
    LEFT JOIN LATERAL street_transfers_at($1::integer, u.geom, p.date_to) s ON true
   GROUP BY u.id
)
SELECT u.id AS unit_id, u.name,
       round(100 * k.municipal / nullif(k.municipal + k.in_transfer + k.private, 0), 1)::float8 AS municipal_share,
       round(k.municipal, 2)::float8 AS municipal_km,
       round(k.in_transfer, 2)::float8 AS in_transfer_km,
       round(k.private, 2)::float8 AS private_km
  FROM units u JOIN km k ON k.id = u.id
 ORDER BY u.name, u.id
