import type pg from 'pg';
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
}

/** WMS sources added by administrators, kept in the `wms_source` table. */
export class WmsSourceRepository {
  constructor(private readonly pool: pg.Pool) {}

  async list(): Promise<WmsSource[]> {
    const { rows } = await this.pool.query<SourceRow>(
      `SELECT id, title, url, version, format, attribution, layers, key_env, key_param FROM wms_source ORDER BY created_at, id`,
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
    }));
  }

  /**
   * Stores a source, replacing the one with the same id (adding the same URL again refreshes its layers).
   * @returns true when the source is new
   */
  async save(source: WmsSource, municipalityId: number | null): Promise<boolean> {
    const { rows } = await this.pool.query<{ created: boolean }>(
      `INSERT INTO wms_source (id, municipality_id, title, url, version, format, attribution, layers, key_env, key_param)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (id) DO UPDATE SET
         municipality_id = EXCLUDED.municipality_id, title = EXCLUDED.title, url = EXCLUDED.url,
         version = EXCLUDED.version, format = EXCLUDED.format, attribution = EXCLUDED.attribution,
         layers = EXCLUDED.layers, key_env = EXCLUDED.key_env, key_param = EXCLUDED.key_param, updated_at = now()
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
    return rows[0].created;
  }
}
