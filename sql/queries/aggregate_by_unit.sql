-- Counts and sums of one layer's features per territorial unit of its municipality: parishes and
-- towns (the units since the 2021 reform) or villages. A feature counts in every unit it touches.
-- Numeric fields are summed, boolean fields counted where true; restricted fields never appear.
-- Parameters: $1 municipality id, $2 unit kinds (text[]); the layer's own filter values follow
-- from $3. {{…}} are filled from the server-side layer registry, never from a request.
SELECT u.id AS unit_id,
       u.name,
       u.kind,
       ST_X(ST_Transform(ST_PointOnSurface(u.geom), 4326)) AS lon,
       ST_Y(ST_Transform(ST_PointOnSurface(u.geom), 4326)) AS lat,
       count(f.{{id}})::int AS count{{measures}}
  FROM territorial_unit u
  LEFT JOIN LATERAL (
       SELECT s.* FROM {{table}} s
        WHERE ST_Intersects(s.{{geom}}, u.geom){{filter}}
  ) f ON true
 WHERE u.municipality_id = $1 AND u.kind = ANY($2)
 GROUP BY u.id
 ORDER BY u.name, u.id
