-- Each feature of a layer with its nearest feature of another layer and the distance in metres.
-- The KNN operator <-> in a LATERAL subquery walks the GiST index of the other layer's copy
-- (analysis_other, see stage_other.sql).
-- Parameters: $1 how many features to return at most, $2 true for points (false: lines from the
-- feature to its nearest); the layer's own filter values follow.
SELECT f.{{id}} AS id,
       {{properties}} AS properties,
       n.id AS nearest_id,
       n.name AS nearest_name,
       n.distance AS distance_m,
       ST_AsGeoJSON(ST_Transform(CASE WHEN $2 THEN f.{{geom}} ELSE ST_ShortestLine(f.{{geom}}, n.geom) END, 4326), 7)::json AS geometry,
       count(*) OVER () AS total
  FROM {{table}} f
  LEFT JOIN LATERAL (
       SELECT o.id, o.name, o.geom, ST_Distance(o.geom, f.{{geom}}) AS distance
         FROM analysis_other o
        ORDER BY o.geom <-> f.{{geom}}
        LIMIT 1
  ) n ON true
 WHERE true{{filter}}
 ORDER BY f.{{id}}
 LIMIT $1
