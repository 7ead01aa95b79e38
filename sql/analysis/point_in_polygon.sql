-- Each feature of a layer with the polygon of a "by" layer it falls in (a point on its surface
-- decides, so a feature falls in one polygon at most; of overlapping polygons the lowest id).
-- The polygons are read from their indexed copy (analysis_other, see stage_other.sql).
-- Parameters: $1 how many features to return at most; the layer's own filter values follow.
SELECT f.{{id}} AS id,
       {{properties}} AS properties,
       u.id AS unit_id,
       u.name AS unit_name,
       ST_AsGeoJSON(ST_Transform(f.{{geom}}, 4326), 7)::json AS geometry,
       count(*) OVER () AS total,
       count(*) FILTER (WHERE u.id IS NULL) OVER () AS unmatched
  FROM {{table}} f
  LEFT JOIN LATERAL (
       SELECT o.id, o.name
         FROM analysis_other o
        WHERE ST_Intersects(o.geom, ST_PointOnSurface(f.{{geom}}))
        ORDER BY o.id
        LIMIT 1
  ) u ON true
 WHERE true{{filter}}
 ORDER BY f.{{id}}
 LIMIT $1
