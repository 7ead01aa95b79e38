-- Each feature of a layer with the polygon of a "by" layer it falls in (a point on its surface
-- decides, so a feature falls in one polygon at most; of overlapping polygons the lowest id).
-- Parameters: $1 how many features to return at most; the two layers' own filter values follow.
SELECT f.{{id}} AS id,
       {{properties}} AS properties,
       u.id AS unit_id,
       u.name AS unit_name,
       ST_AsGeoJSON(ST_Transform(f.{{geom}}, 4326), 7)::json AS geometry,
       count(*) OVER () AS total,
       count(*) FILTER (WHERE u.id IS NULL) OVER () AS unmatched
  FROM {{table}} f
  LEFT JOIN LATERAL (
       SELECT b.{{byId}} AS id, {{byName}} AS name
         FROM {{byTable}} b
        WHERE ST_Intersects(b.{{byGeom}}, ST_PointOnSurface(f.{{geom}})){{byFilter}}
        ORDER BY b.{{byId}}
        LIMIT 1
  ) u ON true
 WHERE true{{filter}}
 ORDER BY f.{{id}}
 LIMIT $1
