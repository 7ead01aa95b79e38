import type pg from 'pg';

/** A municipality (tenant) as requests name it. */
export interface Municipality {
  id: number;
  /** URL slug, e.g. "marupe"; what `X-Municipality` and subdomains carry. */
  code: string;
  name: string;
  isDemo: boolean;
}

/**
 * The municipalities hosted here, re-read at most every `refreshMs` (they change rarely: an
 * administrator adds one). The default is the demo municipality, else the first by id.
 */
export class MunicipalityDirectory {
  private byCode = new Map<string, Municipality>();
  private byId = new Map<number, Municipality>();
  private loadedAt = 0;
  private loading: Promise<void> | null = null;

  constructor(
    private readonly pool: pg.Pool,
    private readonly refreshMs = 10_000,
    private readonly defaultCode?: string,
  ) {}

  async byCodeOrNull(code: string): Promise<Municipality | null> {
    await this.fresh();
    return this.byCode.get(code.toLowerCase()) ?? null;
  }

  async byIdOrNull(id: number): Promise<Municipality | null> {
    await this.fresh();
    return this.byId.get(id) ?? null;
  }

  async list(): Promise<Municipality[]> {
    await this.fresh();
    return [...this.byId.values()];
  }

  /**
   * The municipality of a request that names none: the configured default, else the demo one, else
   * the first; null when none exist.
   */
  async fallback(): Promise<Municipality | null> {
    const all = await this.list();
    return (this.defaultCode ? this.byCode.get(this.defaultCode) : undefined) ?? all.find((m) => m.isDemo) ?? all[0] ?? null;
  }

  invalidate(): void {
    this.loadedAt = 0;
  }

  private async fresh(): Promise<void> {
    if (Date.now() - this.loadedAt < this.refreshMs) return;
    this.loading ??= this.load().finally(() => {
      this.loading = null;
    });
    await this.loading;
  }

  private async load(): Promise<void> {
    const { rows } = await this.pool.query<{ id: number; code: string; name: string; is_demo: boolean }>(
      'SELECT id, code, name, is_demo FROM municipality ORDER BY is_demo DESC, id',
    );
    this.byCode = new Map();
    this.byId = new Map();
    for (const r of rows) {
      const m = { id: r.id, code: r.code, name: r.name, isDemo: r.is_demo };
      this.byCode.set(m.code, m);
      this.byId.set(m.id, m);
    }
    this.loadedAt = Date.now();
  }
}
