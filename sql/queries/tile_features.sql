-- One layer's features cut and quantised for a vector tile, for databases without ST_AsMVT (the
-- embedded PGlite build lacks protobuf-c); the server encodes the rows with vt-pbf.
-- It repeats ST_AsMVTGeom's steps (PostGIS 3.3 mvt.c, checked feature by feature against it) so
-- both paths decode alike: to tile pixels; lines and polygons smaller than half a pixel both ways
-- are dropped; snap to the integer grid, drop points on straight lines and repeated points; clip
-- to the 64-pixel buffer. Points and lines are then snapped again (clipping adds fractional
-- points). Polygons go through ST_ReducePrecision instead, whose snap rounding does what
-- PostGIS's wagyu clipper does: valid output on the grid, slivers thinner than a pixel dropped.
-- Their rings are then wound with positive area in tile coordinates (y down): exterior rings
-- clockwise on screen, as the MVT spec asks.
-- Each step is a LATERAL subquery fenced with OFFSET 0: inlined, its expression would be repeated
-- wherever the next steps and the WHERE clause use it.
-- Parameters: $1 z, $2 x, $3 y; the layer's own filter values follow from $4. {{…}} are filled
-- once per layer from the server-side registry, never from a request.
WITH {{bounds}}
SELECT s.{{id}} AS mvt_id,{{properties}}
       ST_AsGeoJSON(shaped.geom, 0) AS mvt_geojson
  FROM {{table}} AS s
 CROSS JOIN bounds
 CROSS JOIN LATERAL (
       SELECT ST_Affine(ST_Transform(s.{{geom}}, 3857),
                        bounds.tile_scale_x, 0, 0, bounds.tile_scale_y,
                        -bounds.tile_xmin * bounds.tile_scale_x, -bounds.tile_ymax * bounds.tile_scale_y) AS geom
        OFFSET 0) AS placed
 CROSS JOIN LATERAL (SELECT Box2D(placed.geom) AS box OFFSET 0) AS extent
 CROSS JOIN LATERAL (
       SELECT CASE WHEN ST_Dimension(placed.geom) > 0
                        AND ST_XMax(extent.box) - ST_XMin(extent.box) < 0.5
                        AND ST_YMax(extent.box) - ST_YMin(extent.box) < 0.5 THEN NULL
                   ELSE ST_RemoveRepeatedPoints(ST_Simplify(ST_SnapToGrid(placed.geom, 1), 0, false)) END AS geom
        OFFSET 0) AS pixel
 CROSS JOIN LATERAL (
       SELECT ST_ClipByBox2D(pixel.geom, ST_MakeEnvelope(-64, -64, 4160, 4160)) AS geom OFFSET 0) AS cut
 CROSS JOIN LATERAL (
       SELECT CASE WHEN ST_Dimension(cut.geom) < 2 THEN ST_SnapToGrid(cut.geom, 1)
                   ELSE ST_ForcePolygonCCW(ST_CollectionExtract(ST_ReducePrecision(cut.geom, 1), 3)) END AS geom
        OFFSET 0) AS shaped
 WHERE s.{{geom}} && bounds.tile_search_box{{filter}}
   AND NOT ST_IsEmpty(shaped.geom)
