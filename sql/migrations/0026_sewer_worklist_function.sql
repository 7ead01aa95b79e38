-- The sewer work list (properties within a distance of a sewer main that are not connected) as a
-- function that reads as its owner, for the municipality of the current tenant scope only.
--
-- Why: under the row-level security policies of 0013, PostgreSQL may not use a GiST index for
-- PostGIS's && / ST_DWithin (not LEAKPROOF) until a row has passed the policy, so every lateral
-- "nearest main" and "connection within 5 m" probe became a scan: 6–7 s on the demo municipality
-- against 0.15 s for the same statement run by the owner (issue 16, item 15).
--
-- The function is SECURITY DEFINER, so the policies do not apply inside it; in their place every
-- table it reads is bound to tenant_municipality(), the municipality withMunicipality() set for
-- this transaction. It takes no municipality argument, so a caller cannot ask for another one;
-- outside a tenant scope tenant_municipality() is NULL and it returns no rows.
--
-- $1: metres from a sewer main; $2: a village (territorial unit) id, or NULL for all.
-- A property is a sewer_connection record not yet 'connected', or an address with no connection
-- record at all (linked by address_id or within 5 m). Nearest first, at most 5000 rows.
CREATE FUNCTION sewer_unconnected_worklist(within_m double precision, village integer)
RETURNS TABLE (
  kind text,
  id integer,
  address text,
  cadastre_designation text,
  status text,
  village_id integer,
  village text,
  distance_m double precision,
  lon double precision,
  lat double precision
)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
WITH candidates AS (
  SELECT 'connection' AS kind, c.id, c.property_address AS address, c.cadastre_designation, c.status, c.geom
    FROM sewer_connection c
   WHERE c.municipality_id = tenant_municipality() AND c.status <> 'connected'
  UNION ALL
  SELECT 'address', a.id, a.full_address, NULL, NULL, a.geom
    FROM address a
   WHERE a.municipality_id = tenant_municipality()
     AND NOT EXISTS (SELECT 1 FROM sewer_connection c WHERE c.municipality_id = tenant_municipality() AND c.address_id = a.id)
     AND NOT EXISTS (SELECT 1 FROM sewer_connection c WHERE c.municipality_id = tenant_municipality() AND ST_DWithin(c.geom, a.geom, 5))
)
SELECT p.kind, p.id, p.address, p.cadastre_designation, p.status,
       v.id AS village_id, v.name AS village,
       round(m.distance::numeric, 1)::float8 AS distance_m,
       ST_X(ST_Transform(p.geom, 4326)) AS lon, ST_Y(ST_Transform(p.geom, 4326)) AS lat
  FROM candidates p
  CROSS JOIN LATERAL (
    SELECT ST_Distance(s.geom, p.geom) AS distance
      FROM sewer_main s
     WHERE s.municipality_id = tenant_municipality() AND ST_DWithin(s.geom, p.geom, $1)
     ORDER BY s.geom <-> p.geom
     LIMIT 1
  ) m
  LEFT JOIN LATERAL (
    SELECT t.id, t.name FROM territorial_unit t
     WHERE t.municipality_id = tenant_municipality() AND t.kind = 'village' AND ST_Intersects(t.geom, p.geom)
     ORDER BY t.id LIMIT 1
  ) v ON true
 WHERE $2 IS NULL OR v.id = $2
 ORDER BY m.distance, p.kind, p.id
 LIMIT 5000
$$;

REVOKE EXECUTE ON FUNCTION sewer_unconnected_worklist(double precision, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION sewer_unconnected_worklist(double precision, integer) TO gis_tenant;
