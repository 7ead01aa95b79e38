-- One figure per polygon of a "by" layer from the features of another layer inside it: the count,
-- the sum of a numeric field, the length (km) of lines or the area (ha) of polygons, clipped to the
-- polygon. A feature counts in every polygon it touches.
-- Parameters: $1 how many polygons to return at most; the two layers' own filter values follow.
SELECT b.{{byId}} AS id,
       {{byProperties}} AS properties,
       coalesce(a.value, 0)::float8 AS value,
       coalesce(a.features, 0) AS features,
       ST_AsGeoJSON(ST_Transform(b.{{byGeom}}, 4326), 7)::json AS geometry,
       count(*) OVER () AS total
  FROM {{byTable}} b
  LEFT JOIN LATERAL (
       SELECT {{value}} AS value, count(*)::int AS features
         FROM {{table}} f
        WHERE ST_Intersects(f.{{geom}}, b.{{byGeom}}){{filter}}
  ) a ON true
 WHERE true{{byFilter}}
 ORDER BY b.{{byId}}
 LIMIT $1
