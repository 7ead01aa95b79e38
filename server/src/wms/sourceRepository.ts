import type pg from 'pg';
import { forbidden } from '../plugins/errors.js';
import type { WmsSource } from './types.js';

interface SourceRow {
  id: string;
  title: WmsSource['title'];
  url: string;
  version: WmsSource['version'];
  format: WmsSource['format'];
  attribution: string;
  layers: WmsSource['layers'];
  key_env: string | null;
  key_param: string | null;
  municipality_id: number | null;
}

/** A stored source with its owner: a municipality, or null for a shared one (platform administrators). */
export type StoredSource = WmsSource & { municipalityId: number | null };

/** WMS sources added by administrators, kept in the `wms_source` table. */
export class WmsSourceRepository {
  constructor(private readonly pool: pg.Pool) {}

  async list(): Promise<StoredSource[]> {
    const { rows } = await this.pool.query<SourceRow>(
      `SELECT id, title, url, version, format, attribution, layers, key_env, key_param, municipality_id
         FROM wms_source ORDER BY created_at, id`,
    );
    return rows.map((r) => ({
      id: r.id,
      title: r.title,
      url: r.url,
      version: r.version,
      format: r.format,
      attribution: r.attribution,
      layers: r.layers,
      ...(r.key_env ? { keyEnv: r.key_env } : {}),
      ...(r.key_param ? { keyParam: r.key_param } : {}),
      municipalityId: r.municipality_id === null ? null : Number(r.municipality_id),
    }));
  }

  /**
   * Stores a source of `municipalityId` (null: shared), replacing the one with the same id when it
   * has the same owner (adding the same URL again refreshes its layers).
   * @returns true when the source is new
   * @throws UserError 403 when the id belongs to another owner's source, which stays as it was
   */
  async save(source: WmsSource, municipalityId: number | null): Promise<boolean> {
    const { rows } = await this.pool.query<{ created: boolean }>(
      `INSERT INTO wms_source (id, municipality_id, title, url, version, format, attribution, layers, key_env, key_param)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (id) DO UPDATE SET
         municipality_id = EXCLUDED.municipality_id, title = EXCLUDED.title, url = EXCLUDED.url,
         version = EXCLUDED.version, format = EXCLUDED.format, attribution = EXCLUDED.attribution,
         layers = EXCLUDED.layers, key_env = EXCLUDED.key_env, key_param = EXCLUDED.key_param, updated_at = now()
       WHERE wms_source.municipality_id IS NOT DISTINCT FROM EXCLUDED.municipality_id
       RETURNING (xmax = 0) AS created`,
      [
        source.id,
        municipalityId,
        JSON.stringify(source.title),
        source.url,
        source.version,
        source.format,
        source.attribution,
        JSON.stringify(source.layers),
        source.keyEnv ?? null,
        source.keyParam ?? null,
      ],
    );
    if (!rows[0]) throw forbidden(`The WMS source "${source.id}" belongs to someone else; choose another id.`);
    return rows[0].created;
  }
}
