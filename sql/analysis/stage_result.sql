-- Stages an analysis result (GeoJSON features in EPSG:4326) as the rows of an upload job, so that
-- it is published as a dataset layer by the same path as an uploaded file (uploads/publish.ts).
-- Parameters: $1 the job id, $2 the features as a JSON array.
INSERT INTO upload_feature (job_id, source_layer, feature_index, geom, properties)
SELECT $1, 'analysis', (i - 1)::int, ST_SetSRID(ST_GeomFromGeoJSON(f->>'geometry'), 4326), coalesce(f->'properties', '{}'::jsonb)
  FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS t(f, i)
 WHERE f->'geometry' IS NOT NULL AND jsonb_typeof(f->'geometry') = 'object'
