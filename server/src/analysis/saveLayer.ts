import { readFileSync } from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { rootDir } from '../config.js';
import type { FieldType, GeometryType } from '../layers/types.js';
import { badRequest } from '../plugins/errors.js';
import { publishLayer } from '../uploads/publish.js';
import type { UploadField, UploadJob } from '../uploads/types.js';
import type { AnalysisResult } from './types.js';

const stageSql = readFileSync(path.join(rootDir, 'sql/analysis/stage_result.sql'), 'utf8');

/** Columns every published dataset table has already. */
const RESERVED = new Set(['id', 'municipality_id', 'geom']);

/** The one geometry type of the saved layer: points stay points, lines and polygons become multi. */
function layerGeometryType(result: AnalysisResult): GeometryType {
  const kinds = new Set(result.features.features.flatMap((f) => (f.geometry ? [String(f.geometry.type).replace(/^Multi/, '')] : [])));
  if (kinds.size !== 1) throw badRequest('The result has no geometries of one kind (points, lines or polygons) to save as a layer.');
  const kind = [...kinds][0];
  return kind === 'Point' ? 'Point' : kind === 'LineString' ? 'MultiLineString' : 'MultiPolygon';
}

/** The fields of the saved layer, typed by the values the result holds. */
function resultFields(result: AnalysisResult): UploadField[] {
  const seen = new Map<string, Set<string>>();
  for (const f of result.features.features) {
    for (const [k, v] of Object.entries(f.properties)) {
      if (RESERVED.has(k) || !/^[a-z_][a-z0-9_]{0,62}$/.test(k)) continue;
      if (!seen.has(k)) seen.set(k, new Set());
      if (v !== null && v !== undefined) seen.get(k)!.add(typeof v);
    }
  }
  return [...seen].map(([name, types]) => {
    const only = types.size === 1 ? [...types][0] : 'string';
    const [type, ogrType]: [FieldType, string] = only === 'number' ? ['number', 'Real'] : only === 'boolean' ? ['boolean', 'Boolean'] : ['text', 'String'];
    return { name, sourceName: name, type, ogrType };
  });
}

/**
 * Saves an analysis result as a new dataset layer of the municipality, in the caller's (owner)
 * transaction: the result is staged as an upload job's features and published by `publishLayer`,
 * exactly like an uploaded file (its own table in EPSG:3059 with a GiST index, tenant policies, a
 * dataset version, the registry row).
 * @returns the new layer's id and feature count
 */
export async function saveResultAsLayer(
  client: pg.PoolClient,
  result: AnalysisResult,
  opts: { municipalityId: number; userId: number | null; title: { lv: string; en?: string } },
): Promise<{ layerId: string; featureCount: number; jobId: string }> {
  const geometryType = layerGeometryType(result);
  const fields = resultFields(result);
  const fileName = `analysis-${result.tool}.geojson`;
  const { rows } = await client.query<{ id: string }>(
    `INSERT INTO upload_job (status, progress, file_name, format, municipality_id, user_id)
     VALUES ('importing', 0, $1, 'analysis', $2, $3) RETURNING id`,
    [fileName, opts.municipalityId, opts.userId],
  );
  const jobId = rows[0].id;
  await client.query(stageSql, [jobId, JSON.stringify(result.features.features)]);
  const job: UploadJob = {
    id: jobId,
    status: 'importing',
    progress: 0,
    fileName,
    format: 'analysis',
    options: {},
    layers: [
      {
        name: 'analysis',
        dataset: fileName,
        sourceLayer: 'analysis',
        geometryType,
        featureCount: result.features.features.length,
        crs: 'EPSG:4326',
        srid: 4326,
        fields,
        encoding: 'UTF-8',
      },
    ],
    warnings: [],
    errors: [],
    publish: null,
    filePath: null,
    layerId: null,
    municipalityId: opts.municipalityId,
    userId: opts.userId,
    createdAt: new Date().toISOString(),
    updatedAt: new Date().toISOString(),
  };
  const published = await publishLayer(client, job, { title: opts.title });
  await client.query(`UPDATE upload_job SET status = 'done', progress = 1, layer_id = $2, updated_at = now() WHERE id = $1`, [jobId, published.layerId]);
  return { layerId: published.layerId, featureCount: published.featureCount, jobId };
}
