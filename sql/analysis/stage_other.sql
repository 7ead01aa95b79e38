-- The features of the "other" layer of a tool (the one measured to, e.g. the sewer mains, or the
-- polygons aggregated or joined by, e.g. the villages) copied
-- into a temporary table with its own GiST index, dropped when the transaction ends. The tenant
-- scope's row-level security stops PostGIS's (not leakproof) index conditions from reaching the
-- indexes of the municipal tables, so without this every feature would be compared with every
-- other; the copy is read under that security and its index needs none.
-- Parameters: the layer's own filter values (and any "where" values) from $1.
CREATE TEMPORARY TABLE analysis_other ON COMMIT DROP AS
SELECT o.{{id}} AS id, {{name}} AS name, o.{{geom}} AS geom
  FROM {{table}} o
 WHERE true{{filter}}
