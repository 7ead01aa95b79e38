-- The dissolved buffer of every feature of a layer: one (multi)polygon, with its area in hectares.
-- Parameters: $1 distance (m); the layer's own filter values follow.
SELECT ST_AsGeoJSON(ST_Transform(b.geom, 4326), 7)::json AS geometry,
       ST_Area(b.geom) / 10000 AS area_ha,
       b.sources
  FROM (SELECT ST_Union(ST_Buffer(o.{{ofGeom}}, $1, 8)) AS geom, count(*) AS sources
          FROM {{ofTable}} o
         WHERE true{{ofFilter}}) b
 WHERE b.geom IS NOT NULL
