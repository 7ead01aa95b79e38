import type pg from 'pg';
import type { ReadRole } from '../layers/registry.js';
import type { LocalizedText } from '../layers/types.js';
import { notFound } from '../plugins/errors.js';
import { quoteIdentifier as quote } from '../db/identifier.js';

export interface DatasetVersion {
  version: number;
  fileName: string;
  featureCount: number;
  geometryType: string;
  sourceCrs: string | null;
  current: boolean;
  createdAt: string;
}

export interface Dataset {
  layerId: string;
  title: LocalizedText;
  geometryType: string;
  /** Who reads it: 'public', or the weakest role of the municipality that does (server/src/access/layerAccess.ts). */
  readRole: ReadRole;
  currentVersion: number | null;
  versions: DatasetVersion[];
  /** Bytes the tables of the kept versions take on disk, indexes and TOAST included. */
  historyBytes: number;
}

/** Uploaded layers and their versions (`layer` rows of group `uploads` + `dataset_version`). */
export const datasets = {
  /** The municipality's uploaded datasets (or the one with `layerId`), with their versions. */
  async list(db: pg.Pool | pg.PoolClient, municipalityId: number, layerId?: string): Promise<Dataset[]> {
    const { rows } = await db.query(
      `SELECT l.id, l.title, l.geometry_type, coalesce(l.read_role, 'public') AS read_role,
              coalesce(jsonb_agg(jsonb_build_object('version', v.version, 'fileName', v.file_name, 'featureCount', v.feature_count,
                        'geometryType', v.geometry_type, 'sourceCrs', v.source_crs, 'current', v.is_current,
                        'createdAt', to_char(v.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')) ORDER BY v.version DESC)
                       FILTER (WHERE v.version IS NOT NULL), '[]') AS versions,
              coalesce(sum(pg_total_relation_size(to_regclass(quote_ident(v.table_name)))), 0)::float8 AS history_bytes
         FROM layer l LEFT JOIN dataset_version v ON v.layer_id = l.id
        WHERE l.layer_group = 'uploads' AND l.municipality_id = $2 AND ($1::text IS NULL OR l.id = $1)
        GROUP BY l.id ORDER BY l.id`,
      [layerId ?? null, municipalityId],
    );
    return rows.map((r) => ({
      layerId: r.id,
      title: r.title,
      geometryType: r.geometry_type,
      readRole: r.read_role,
      currentVersion: (r.versions as DatasetVersion[]).find((v) => v.current)?.version ?? null,
      versions: r.versions,
      historyBytes: r.history_bytes,
    }));
  },

  /**
   * Removes an uploaded layer of the municipality and every version's table, in the caller's
   * transaction. A layer of another municipality is "not found".
   * @returns what was removed, for the audit log
   */
  async remove(client: pg.PoolClient, municipalityId: number, layerId: string): Promise<{ title: LocalizedText; versions: number[] }> {
    const { rows } = await client.query<{ table_name: string | null; version: number | null; title: LocalizedText }>(
      `SELECT v.table_name, v.version, l.title FROM layer l LEFT JOIN dataset_version v ON v.layer_id = l.id
        WHERE l.id = $1 AND l.layer_group = 'uploads' AND l.municipality_id = $2 FOR UPDATE OF l`,
      [layerId, municipalityId],
    );
    if (!rows.length) throw notFound(`There is no uploaded dataset "${layerId}".`);
    await client.query('DELETE FROM layer WHERE id = $1', [layerId]);
    for (const r of rows) if (r.table_name) await client.query(`DROP TABLE IF EXISTS ${quote(r.table_name)}`);
    return { title: rows[0].title, versions: rows.flatMap((r) => (r.version === null ? [] : [r.version])) };
  },

  /**
   * Drops the tables of a layer's versions beyond the newest `keep` and forgets those versions, in
   * the caller's transaction (the publish of a new version), so a failed publish keeps them all.
   * The current version is never dropped, even when an older one was restored.
   * @returns the versions removed, oldest first
   */
  async prune(client: pg.PoolClient, layerId: string, keep: number): Promise<number[]> {
    const { rows } = await client.query<{ version: number; table_name: string }>(
      `DELETE FROM dataset_version d
        WHERE d.layer_id = $1 AND NOT d.is_current
          AND d.version NOT IN (SELECT k.version FROM dataset_version k WHERE k.layer_id = $1 ORDER BY k.version DESC LIMIT $2)
        RETURNING d.version, d.table_name`,
      [layerId, keep],
    );
    for (const r of rows) await client.query(`DROP TABLE IF EXISTS ${quote(r.table_name)}`);
    return rows.map((r) => r.version).sort((a, b) => a - b);
  },

  /**
   * Points the municipality's layer back at an earlier version's table, in the caller's transaction.
   * @returns the version that was current before
   */
  async restore(client: pg.PoolClient, municipalityId: number, layerId: string, version: number): Promise<number | null> {
    const { rows } = await client.query<{ table_name: string; geometry_type: string; fields: unknown; current: number | null }>(
      `SELECT v.table_name, v.geometry_type, v.fields,
              (SELECT c.version FROM dataset_version c WHERE c.layer_id = l.id AND c.is_current) AS current
         FROM dataset_version v JOIN layer l ON l.id = v.layer_id
        WHERE v.layer_id = $1 AND v.version = $2 AND l.layer_group = 'uploads' AND l.municipality_id = $3 FOR UPDATE OF l`,
      [layerId, version, municipalityId],
    );
    if (!rows.length) throw notFound(`Dataset "${layerId}" has no version ${version}.`);
    const v = rows[0];
    await client.query(
      `UPDATE layer SET source_table = $2, geometry_type = $3, fields = $4, data_version = data_version + 1, updated_at = now() WHERE id = $1`,
      [layerId, v.table_name, v.geometry_type, JSON.stringify(v.fields)],
    );
    await client.query('UPDATE dataset_version SET is_current = false WHERE layer_id = $1 AND is_current', [layerId]);
    await client.query('UPDATE dataset_version SET is_current = true WHERE layer_id = $1 AND version = $2', [layerId, version]);
    return v.current;
  },
};
