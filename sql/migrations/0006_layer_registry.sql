-- The layer registry: what the catalog, tiles and OGC API serve. Table and column names used in
-- queries come only from here (validated against the database catalog when loaded), never from a
-- request.
CREATE TABLE layer (
  id               text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
  municipality_id  integer REFERENCES municipality (id) ON DELETE CASCADE,  -- NULL: shared by all
  layer_group      text NOT NULL CHECK (layer_group IN ('reference', 'sewer', 'streets', 'accommodation', 'uploads')),
  title            jsonb NOT NULL CHECK (title ? 'lv'),          -- {"lv": …, "en": …, "uk": …}
  description      jsonb NOT NULL DEFAULT '{}'::jsonb,
  source_table     text NOT NULL,
  id_column        text NOT NULL DEFAULT 'id',
  geometry_column  text NOT NULL DEFAULT 'geom',
  -- Equality conditions that select this layer's rows, e.g. {"category": "school"}.
  source_filter    jsonb NOT NULL DEFAULT '{}'::jsonb,
  geometry_type    text NOT NULL CHECK (geometry_type IN
                     ('Point', 'LineString', 'Polygon', 'MultiPoint', 'MultiLineString', 'MultiPolygon')),
  -- [{"name", "type", "title": {lv,en,uk}, "restricted"?: bool, "format"?: "cadastre"|"eur"|…}]
  fields           jsonb NOT NULL DEFAULT '[]'::jsonb,
  style            jsonb NOT NULL DEFAULT '{}'::jsonb,
  restricted       boolean NOT NULL DEFAULT false,
  min_zoom         integer NOT NULL DEFAULT 0 CHECK (min_zoom BETWEEN 0 AND 24),
  max_zoom         integer NOT NULL DEFAULT 22 CHECK (max_zoom BETWEEN 0 AND 24),
  sort_order       integer NOT NULL DEFAULT 0,
  -- Bumped whenever the layer's data changes; part of tile cache keys and ETags.
  data_version     integer NOT NULL DEFAULT 1,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX layer_municipality_idx ON layer (municipality_id, sort_order);

-- Any change to a layer's source table bumps the version of the layers drawn from it, so cached
-- tiles and ETags of those layers go stale at once.
CREATE FUNCTION bump_layer_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE layer SET data_version = data_version + 1, updated_at = now() WHERE source_table = TG_TABLE_NAME;
  RETURN NULL;
END $$;

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['territorial_unit', 'address', 'sewer_main', 'sewer_manhole', 'sewer_connection',
                           'street_transfer', 'accommodation_site', 'facility'] LOOP
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I
                    FOR EACH STATEMENT EXECUTE FUNCTION bump_layer_data_version()', t || '_layer_version', t);
  END LOOP;
END $$;
