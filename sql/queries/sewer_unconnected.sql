-- Work list: properties within $2 metres of a sewer main of municipality $1 that are not connected,
-- nearest first. A property is a sewer_connection record not yet 'connected', or an address with no
-- connection record at all (linked by address_id or within 5 m). $3: a village id, or NULL for all.
WITH candidates AS (
  SELECT 'connection' AS kind, c.id, c.property_address AS address, c.cadastre_designation, c.status, c.geom
    FROM sewer_connection c
   WHERE c.municipality_id = $1 AND c.status <> 'connected'
  UNION ALL
  SELECT 'address', a.id, a.full_address, NULL, NULL, a.geom
    FROM address a
   WHERE a.municipality_id = $1
     AND NOT EXISTS (SELECT 1 FROM sewer_connection c WHERE c.municipality_id = $1 AND c.address_id = a.id)
     AND NOT EXISTS (SELECT 1 FROM sewer_connection c WHERE c.municipality_id = $1 AND ST_DWithin(c.geom, a.geom, 5))
)
SELECT p.kind, p.id, p.address, p.cadastre_designation, p.status,
       v.id AS village_id, v.name AS village,
       round(m.distance::numeric, 1)::float8 AS distance_m,
       ST_X(ST_Transform(p.geom, 4326)) AS lon, ST_Y(ST_Transform(p.geom, 4326)) AS lat
  FROM candidates p
  CROSS JOIN LATERAL (
    SELECT ST_Distance(s.geom, p.geom) AS distance
      FROM sewer_main s
     WHERE s.municipality_id = $1 AND ST_DWithin(s.geom, p.geom, $2)
     ORDER BY s.geom <-> p.geom
     LIMIT 1
  ) m
  LEFT JOIN LATERAL (
    SELECT t.id, t.name FROM territorial_unit t
     WHERE t.municipality_id = $1 AND t.kind = 'village' AND ST_Intersects(t.geom, p.geom)
     ORDER BY t.id LIMIT 1
  ) v ON true
 WHERE $3::integer IS NULL OR v.id = $3
 ORDER BY m.distance, p.kind, p.id
 LIMIT 5000;
