-- Per settlement (towns and villages, ciemi) at the end of the period: the connection rate, the
-- properties connected and registered then, and those within 50 m of a main not connected then;
-- the records in no settlement in a last row with no unit, so the rows add up to the whole.
WITH p AS (
  SELECT $1::integer AS municipality_id, $2::integer AS unit_id, $3::date AS date_from, $4::date AS date_to,
         dashboard_area($1::integer, $2::integer) AS area
)
SELECT s.unit_id, s.name, s.rate, s.connected, s.properties, s.unconnected_near_main
  FROM p, sewer_by_unit($1::integer, p.area, p.date_to, ARRAY['town', 'village']) s
 ORDER BY s.unit_id IS NULL, s.name, s.unit_id
