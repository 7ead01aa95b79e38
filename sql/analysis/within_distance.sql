-- Features of one layer within (or beyond) a distance of any feature of another, for example the
-- addresses within 50 m of a sewer main. Geometries are stored in EPSG:3059 (metres), so
-- ST_DWithin on the stored geometries uses the GiST index of the other layer's copy
-- (analysis_other, see stage_other.sql).
-- {{exists}} is EXISTS, or NOT EXISTS for the features beyond the distance (an anti-join).
-- Parameters: $1 distance (m), $2 how many features to return at most; the layer's own filter
-- values follow. {{…}} are filled from the server-side layer registry and the server's code.
SELECT f.{{id}} AS id,
       {{properties}} AS properties,
       ST_AsGeoJSON(ST_Transform(f.{{geom}}, 4326), 7)::json AS geometry,
       count(*) OVER () AS total
  FROM {{table}} f
 WHERE true{{filter}}
   AND {{exists}} (SELECT 1 FROM analysis_other o WHERE ST_DWithin(o.geom, f.{{geom}}, $1))
 ORDER BY f.{{id}}
 LIMIT $2
