import type pg from 'pg';

/** How a stored key is shown back: never in full, only its last four characters. */
export const maskSecret = (value: string) => `••••${value.length > 8 ? value.slice(-4) : ''}`;

/**
 * Service keys of municipalities (`municipality_secret`), read through a short-lived cache so a
 * WMS tile does not cost a query; `invalidate` after a change.
 */
export class MunicipalitySecrets {
  private cache = new Map<number, { at: number; values: Map<string, string> }>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly ttlMs = 30_000,
  ) {}

  async get(municipalityId: number, name: string): Promise<string | undefined> {
    return (await this.all(municipalityId)).get(name);
  }

  async all(municipalityId: number): Promise<Map<string, string>> {
    const hit = this.cache.get(municipalityId);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.values;
    const { rows } = await this.pool.query<{ name: string; value: string }>(
      'SELECT name, value FROM municipality_secret WHERE municipality_id = $1',
      [municipalityId],
    );
    const values = new Map(rows.map((r) => [r.name, r.value]));
    this.cache.set(municipalityId, { at: Date.now(), values });
    return values;
  }

  /** Sets (a string) or removes (null) keys of a municipality, in the caller's transaction. */
  async put(db: pg.PoolClient, municipalityId: number, changes: Record<string, string | null>, userId: number | null): Promise<void> {
    for (const [name, value] of Object.entries(changes)) {
      if (value === null) {
        await db.query('DELETE FROM municipality_secret WHERE municipality_id = $1 AND name = $2', [municipalityId, name]);
      } else {
        await db.query(
          `INSERT INTO municipality_secret (municipality_id, name, value, updated_by) VALUES ($1, $2, $3, $4)
           ON CONFLICT (municipality_id, name) DO UPDATE SET value = EXCLUDED.value, updated_by = EXCLUDED.updated_by, updated_at = now()`,
          [municipalityId, name, value, userId],
        );
      }
    }
    this.cache.delete(municipalityId);
  }
}
