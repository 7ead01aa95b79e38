-- The features of a layer in none of the polygons of the "by" layer (their indexed copy,
-- analysis_other, see stage_other.sql): the count or the sum aggregate.sql gives per polygon, so
-- that the polygons and this "outside" figure add up to the whole layer (a village breakdown
-- leaves out the town and the countryside otherwise).
-- Parameters: the layer's own filter values from $1.
SELECT coalesce({{value}}, 0)::float8 AS value, count(*)::int AS features
  FROM {{table}} f
 WHERE NOT EXISTS (SELECT 1 FROM analysis_other o WHERE ST_Intersects(f.{{geom}}, o.geom)){{filter}}
