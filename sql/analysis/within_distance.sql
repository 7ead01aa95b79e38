-- Features of one layer within (or beyond) a distance of any feature of another, for example the
-- addresses within 50 m of a sewer main. Geometries are stored in EPSG:3059 (metres), so
-- ST_DWithin on the stored columns uses their GiST indexes.
-- Parameters: $1 distance (m), $2 how many features to return at most, $3 true for "beyond";
-- the two layers' own filter values follow. {{…}} are filled from the server-side layer registry.
SELECT f.{{id}} AS id,
       {{properties}} AS properties,
       ST_AsGeoJSON(ST_Transform(f.{{geom}}, 4326), 7)::json AS geometry,
       count(*) OVER () AS total
  FROM {{table}} f
 WHERE true{{filter}}
   AND (EXISTS (SELECT 1 FROM {{ofTable}} o
                 WHERE ST_DWithin(o.{{ofGeom}}, f.{{geom}}, $1){{ofFilter}})) <> $3
 ORDER BY f.{{id}}
 LIMIT $2
