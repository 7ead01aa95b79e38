-- One layer's vector tile, encoded by PostGIS (databases built with protobuf-c).
-- Parameters: $1 z, $2 x, $3 y, $4 the layer name inside the tile; the layer's own filter values
-- follow from $5. {{…}} are filled once per layer from the server-side registry, never from a request.
-- No "mvt_geom IS NOT NULL" filter: ST_AsMVT skips such rows itself, and the planner would
-- compute ST_AsMVTGeom twice (in the filter and in the row).
WITH {{bounds}}
SELECT ST_AsMVT(feature, $4::text, 4096, 'mvt_geom', 'mvt_id') AS mvt
  FROM (SELECT s.{{id}} AS mvt_id,{{properties}}
               ST_AsMVTGeom(ST_Transform(s.{{geom}}, 3857), bounds.tile_envelope, 4096, 64, true) AS mvt_geom
          FROM {{table}} AS s, bounds
         WHERE s.{{geom}} && bounds.tile_search_box{{filter}}) AS feature
