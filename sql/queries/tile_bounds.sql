-- The tile's geometry in Web Mercator and the box that selects its features in the stored SRID.
-- A CTE fragment shared by tile_mvt.sql and tile_features.sql; parameters $1 z, $2 x, $3 y.
--
-- tile_search_box follows pg_tileserv/Martin: transform the buffered tile (not every row) to
-- EPSG:3059 so `geom && tile_search_box` uses the GiST index. Two guards make that hold at low
-- zoom too: the tile is first clipped to lon -6…54°, lat 35…80° (Latvia and far around it; a
-- world-sized tile has no sensible image in a transverse Mercator and collapses to a sliver),
-- and densified so the bounding box of its transformed outline covers its curved image.
-- Features outside that domain are never drawn; municipal data lies well inside it.
-- MATERIALIZED: computed once per tile, not inlined into (and repeated for) every feature row.
tile AS MATERIALIZED (
  SELECT ST_TileEnvelope($1::integer, $2::integer, $3::integer) AS tile_envelope,
         ST_ClipByBox2D(ST_TileEnvelope($1::integer, $2::integer, $3::integer, margin => 64.0 / 4096),
                        ST_MakeEnvelope(-667916.94, 4163881.14, 6011252.50, 15538711.10, 3857)) AS tile_buffered
),
bounds AS MATERIALIZED (
  SELECT tile_envelope,
         ST_Transform(ST_Segmentize(tile_buffered, (ST_XMax(tile_envelope) - ST_XMin(tile_envelope)) / 8), 3059)
           AS tile_search_box,
         -- Web Mercator → tile pixels (4096 per side, y grows downwards), as ST_AsMVTGeom does.
         4096 / (ST_XMax(tile_envelope) - ST_XMin(tile_envelope)) AS tile_scale_x,
         -4096 / (ST_YMax(tile_envelope) - ST_YMin(tile_envelope)) AS tile_scale_y,
         ST_XMin(tile_envelope) AS tile_xmin,
         ST_YMax(tile_envelope) AS tile_ymax
    FROM tile
)
