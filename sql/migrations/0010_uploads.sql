-- Dataset uploads (issue 4): jobs that analyse an uploaded file and publish it as a layer, the
-- features read from the file while they wait to be published, and the versions of each uploaded
-- layer so that a re-upload can be undone.

CREATE TABLE upload_job (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  status      text NOT NULL DEFAULT 'queued'
                CHECK (status IN ('queued', 'analysing', 'ready', 'importing', 'done', 'failed')),
  progress    real NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 1),
  file_name   text NOT NULL,
  format      text,
  -- What the uploader asked for: {"crs"?, "encoding"?, "layer"?}.
  options     jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- What the analysis found: {"layers": [{name, geometryType, featureCount, crs, fields, encoding, …}]}.
  metadata    jsonb NOT NULL DEFAULT '{}'::jsonb,
  warnings    jsonb NOT NULL DEFAULT '[]'::jsonb,   -- [{message, featureIndex?, layer?}]
  errors      jsonb NOT NULL DEFAULT '[]'::jsonb,
  -- The publish request being carried out or last carried out.
  publish     jsonb,
  -- The spooled upload on the server's disk, removed when the job ends.
  file_path   text,
  layer_id    text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX upload_job_created_idx ON upload_job (created_at DESC);

-- Features as read from the file, geometry in the file's own CRS (SRID 0 when unknown), one row
-- per feature with its attributes as JSON. Rows of a job are deleted when it is published or fails.
CREATE TABLE upload_feature (
  job_id         uuid NOT NULL REFERENCES upload_job (id) ON DELETE CASCADE,
  source_layer   text NOT NULL,
  feature_index  integer NOT NULL,
  geom           geometry,
  properties     jsonb NOT NULL DEFAULT '{}'::jsonb,
  PRIMARY KEY (job_id, source_layer, feature_index)
);

-- Every published version of an uploaded layer; each lives in its own table, so restoring one is
-- pointing the layer row back at it.
CREATE TABLE dataset_version (
  layer_id       text NOT NULL REFERENCES layer (id) ON DELETE CASCADE,
  version        integer NOT NULL CHECK (version > 0),
  table_name     text NOT NULL UNIQUE,
  job_id         uuid REFERENCES upload_job (id) ON DELETE SET NULL,
  file_name      text NOT NULL,
  feature_count  integer NOT NULL,
  geometry_type  text NOT NULL,
  fields         jsonb NOT NULL,
  source_crs     text,
  -- The version the layer row points at now.
  is_current     boolean NOT NULL DEFAULT false,
  created_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (layer_id, version)
);
CREATE UNIQUE INDEX dataset_version_current_idx ON dataset_version (layer_id) WHERE is_current;

-- Lenient casts for attribute values read from files: a value that does not fit the column's
-- type becomes NULL instead of failing the whole import (the analysis reports such values).
CREATE FUNCTION upload_integer(v text) RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN v ~ '^\s*[-+]?\d{1,9}(\.0*)?\s*$' THEN v::numeric::integer END
$$;
CREATE FUNCTION upload_number(v text) RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN v ~ '^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d{1,3})?\s*$' THEN v::double precision
              WHEN v ~ '^\s*[-+]?\d+,\d+\s*$' THEN replace(v, ',', '.')::double precision END
$$;
CREATE FUNCTION upload_boolean(v text) RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE lower(trim(v)) WHEN 'true' THEN true WHEN 't' THEN true WHEN '1' THEN true WHEN 'yes' THEN true WHEN 'jā' THEN true
                             WHEN 'false' THEN false WHEN 'f' THEN false WHEN '0' THEN false WHEN 'no' THEN false WHEN 'nē' THEN false END
$$;
CREATE FUNCTION upload_date(v text) RETURNS date LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  IF v IS NULL OR v !~ '^\s*\d{4}[-/.]\d{1,2}[-/.]\d{1,2}' THEN RETURN NULL; END IF;
  RETURN translate(substring(v from '\d{4}[-/.]\d{1,2}[-/.]\d{1,2}'), '/.', '--')::date;
EXCEPTION WHEN others THEN RETURN NULL;
END $$;
CREATE FUNCTION upload_timestamp(v text) RETURNS timestamptz LANGUAGE plpgsql STABLE AS $$
BEGIN
  IF v IS NULL OR v !~ '^\s*\d{4}[-/.]\d{1,2}[-/.]\d{1,2}' THEN RETURN NULL; END IF;
  RETURN translate(v, '/', '-')::timestamptz;
EXCEPTION WHEN others THEN RETURN NULL;
END $$;
