-- WMS basemap sources added by an administrator (POST /api/basemaps/sources). The shipped
-- catalog lives in data/wms-sources.json; these rows extend it. Only sources listed here or in
-- that file are ever fetched by the /wms proxy.
CREATE TABLE wms_source (
  id               text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  municipality_id  integer REFERENCES municipality (id) ON DELETE CASCADE,  -- NULL: shared by all
  title            jsonb NOT NULL CHECK (title ? 'lv'),                     -- {"lv": …, "en": …, "uk": …}
  url              text NOT NULL CHECK (url ~ '^https?://'),
  version          text NOT NULL CHECK (version IN ('1.1.1', '1.3.0')),
  format           text NOT NULL CHECK (format IN ('image/png', 'image/jpeg')),
  attribution      text NOT NULL DEFAULT '',
  -- [{"name", "title": {lv,…}, "kind": "orthophoto"|"topographic"|"other", "bounds"?: [w,s,e,n]}],
  -- only layers offering EPSG:3857.
  layers           jsonb NOT NULL CHECK (jsonb_typeof(layers) = 'array' AND jsonb_array_length(layers) > 0),
  -- Name of the environment variable with the service key (never the key itself) and its parameter.
  key_env          text CHECK (key_env ~ '^[A-Z][A-Z0-9_]*_WMS_KEY$'),
  key_param        text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX wms_source_municipality_idx ON wms_source (municipality_id);
