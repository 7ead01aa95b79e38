-- A municipality's territorial units of the given kinds for the dashboards' choropleth, in
-- EPSG:4326, simplified to about 5 m (enough for a map of a municipality, a fraction of the bytes).
-- Villages last, so that a village drawn over the town around it stays visible.
SELECT u.id, u.name, u.kind,
       ST_AsGeoJSON(ST_Transform(ST_SimplifyPreserveTopology(u.geom, 5), 4326), 6)::json AS geometry
  FROM territorial_unit u
 WHERE u.municipality_id = $1 AND u.kind = ANY($2::text[])
 ORDER BY u.kind = 'village', u.name, u.id
