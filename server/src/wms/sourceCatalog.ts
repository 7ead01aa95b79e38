import { readFile } from 'node:fs/promises';
import { Value } from 'typebox/value';
import type { StoredSource, WmsSourceRepository } from './sourceRepository.js';
import { WmsCatalogFile, type WmsLayer, type WmsSource } from './types.js';

/** A catalog source with where it came from and its owner (null: shipped or shared by all). */
export type CatalogSource = WmsSource & { origin: 'file' | 'database'; municipalityId: number | null };

/**
 * Reads and checks the shipped catalog (data/wms-sources.json).
 * @throws Error naming the file and the first problem, so a bad edit stops the server at start
 */
export async function readCatalogFile(file: string): Promise<WmsSource[]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (cause) {
    throw new Error(`reading the WMS source catalog ${file}`, { cause });
  }
  if (!Value.Check(WmsCatalogFile, parsed)) {
    const first = [...Value.Errors(WmsCatalogFile, parsed)][0];
    throw new Error(`The WMS source catalog ${file} is not valid: ${first?.instancePath || '/'} ${first?.message ?? ''}`.trim());
  }
  const seen = new Set<string>();
  for (const source of parsed.sources) {
    if (seen.has(source.id)) throw new Error(`The WMS source catalog ${file} lists the id "${source.id}" twice.`);
    seen.add(source.id);
    if (source.keyParam && !source.keyEnv) {
      throw new Error(`The WMS source "${source.id}" in ${file} names keyParam but no keyEnv to read the key from.`);
    }
  }
  return parsed.sources;
}

/**
 * The sources the proxy may fetch from: the shipped file plus the `wms_source` table, re-read at
 * most every `refreshMs` (and at once after an admin adds one). Nothing else is ever fetched.
 */
export class WmsCatalog {
  private stored: StoredSource[] = [];
  private loadedAt = 0;
  private loading: Promise<void> | null = null;
  private generation = 0;

  constructor(
    private readonly fileSources: WmsSource[],
    private readonly repository: WmsSourceRepository,
    private readonly refreshMs = 5000,
  ) {}

  /**
   * The sources a municipality sees, shipped ones first: the shipped and shared ones and its own
   * (only the shipped and shared ones without a municipality). A stored source never shadows a
   * shipped one with its id.
   */
  async list(municipalityId?: number): Promise<CatalogSource[]> {
    await this.fresh();
    const shipped = new Set(this.fileSources.map((s) => s.id));
    return [
      ...this.fileSources.map((s) => ({ ...s, origin: 'file' as const, municipalityId: null })),
      ...this.stored
        .filter((s) => !shipped.has(s.id) && (s.municipalityId === null || s.municipalityId === municipalityId))
        .map((s) => ({ ...s, origin: 'database' as const })),
    ];
  }

  /** The source and layer for a tile request of a municipality, or what is missing. */
  async find(sourceId: string, layerName: string, municipalityId?: number): Promise<{ source?: CatalogSource; layer?: WmsLayer }> {
    const source = (await this.list(municipalityId)).find((s) => s.id === sourceId);
    return { source, layer: source?.layers.find((l) => l.name === layerName) };
  }

  /** The shipped catalog, which binds the server's keys to their hosts. */
  shipped(): WmsSource[] {
    return this.fileSources;
  }

  /** True when `id` belongs to the shipped file, which admins cannot overwrite. */
  isShipped(id: string): boolean {
    return this.fileSources.some((s) => s.id === id);
  }

  /** Forget the stored sources so the next call reads them again (a load already running is not reused). */
  invalidate(): void {
    this.generation++;
    this.loadedAt = 0;
    this.loading = null;
  }

  private async fresh(): Promise<void> {
    if (Date.now() - this.loadedAt < this.refreshMs) return;
    if (!this.loading) {
      const generation = this.generation;
      const load: Promise<void> = this.repository
        .list()
        .then((sources) => {
          // A load that began before an invalidate() may predate the change; keep its result only if current.
          if (generation !== this.generation) return;
          this.stored = sources;
          this.loadedAt = Date.now();
        })
        .finally(() => {
          if (this.loading === load) this.loading = null;
        });
      this.loading = load;
    }
    await this.loading;
  }
}
