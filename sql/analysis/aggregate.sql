-- One figure per polygon of a "by" layer from the features of another layer inside it: the count,
-- the sum of a numeric field, the length (km) of lines or the area (ha) of polygons, clipped to the
-- polygon. A feature counts in every polygon it touches. The polygons are read from their indexed
-- copy (analysis_other, see stage_other.sql), so the layer is scanned once.
-- Parameters: $1 how many polygons to return at most; the "by" layer's own filter values follow,
-- then the layer's.
WITH a AS (
  SELECT o.id, {{value}} AS value, count(*)::int AS features
    FROM {{table}} f
    JOIN analysis_other o ON ST_Intersects(f.{{geom}}, o.geom)
   WHERE true{{filter}}
   GROUP BY o.id
)
SELECT b.{{byId}} AS id,
       {{byProperties}} AS properties,
       coalesce(a.value, 0)::float8 AS value,
       coalesce(a.features, 0) AS features,
       ST_AsGeoJSON(ST_Transform(b.{{byGeom}}, 4326), 7)::json AS geometry,
       count(*) OVER () AS total
  FROM {{byTable}} b
  LEFT JOIN a ON a.id = b.{{byId}}
 WHERE true{{byFilter}}
 ORDER BY b.{{byId}}
 LIMIT $1
