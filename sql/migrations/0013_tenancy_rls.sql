-- Municipality tenancy enforced by the database (issue 5): row-level security on every table with a
-- municipality_id. Requests read and write municipal data inside withMunicipality()
-- (server/src/tenancy/scope.ts), which for that one transaction switches to the role gis_tenant and
-- sets app.municipality_id; the policies below then hide every other municipality's rows, so a query
-- that forgets its WHERE municipality_id = … still cannot leak them. Work outside a request
-- (migrations, the layer registry, sessions, seeding, the CLI) runs as the connecting owner role,
-- which these policies do not restrict.

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'gis_tenant') THEN
    CREATE ROLE gis_tenant NOLOGIN;
  END IF;
  -- The application's own role must be allowed to switch to it (superusers always are).
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    EXECUTE format('GRANT gis_tenant TO %I', current_user);
  END IF;
END $$;

GRANT USAGE ON SCHEMA public TO gis_tenant;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO gis_tenant;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO gis_tenant;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO gis_tenant;
-- Tables and sequences made later by this owner (migrations, published uploads) too.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO gis_tenant;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO gis_tenant;
-- The audit log stays append-only for requests as well.
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM gis_tenant;
REVOKE UPDATE, DELETE, TRUNCATE ON schema_migration FROM gis_tenant;

-- The municipality of the current transaction, or NULL outside withMunicipality().
CREATE FUNCTION tenant_municipality() RETURNS integer LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT nullif(current_setting('app.municipality_id', true), '')::integer
$$;

-- Enables row-level security, with the tenant policy, on every table of the public schema that has
-- a municipality_id column and no such policy yet. Idempotent: later migrations, and publishing an
-- upload (which creates a table), call it again. Rows with a NULL municipality_id (layers and WMS
-- sources shared by all municipalities) are visible to every tenant.
CREATE FUNCTION apply_tenant_policies() RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  t record;
  n integer := 0;
BEGIN
  FOR t IN
    SELECT c.oid::regclass AS name
      FROM pg_class c
      JOIN pg_namespace s ON s.oid = c.relnamespace AND s.nspname = 'public'
      JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'municipality_id' AND NOT a.attisdropped
     WHERE c.relkind IN ('r', 'p')
       AND NOT EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid AND p.polname = 'tenant_isolation')
  LOOP
    EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', t.name);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %s TO gis_tenant
         USING (municipality_id IS NULL OR municipality_id = tenant_municipality())
         WITH CHECK (municipality_id = tenant_municipality())',
      t.name);
    n := n + 1;
  END LOOP;
  RETURN n;
END $$;

SELECT apply_tenant_policies();
