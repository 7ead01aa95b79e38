-- The ten applications in the pipeline at the end of the period that had waited longest since the
-- application, with their status then and the days to the end of the period (or to today).
WITH p AS (
  SELECT $1::integer AS municipality_id, $2::integer AS unit_id, $3::date AS date_from, $4::date AS date_to,
         least(coalesce($4::date, current_date), current_date) AS upto,
         dashboard_area($1::integer, $2::integer) AS area
)
SELECT c.id, c.property_address AS address, c.status, c.applied_on::text AS applied_on,
       p.upto - c.applied_on AS days
  FROM p, sewer_connections_at($1::integer, p.area, p.date_to) c
 WHERE c.status IN ('applied', 'technical_conditions', 'construction')
 ORDER BY days DESC, c.id
 LIMIT 10
