import type pg from 'pg';
import type { LayerDefinition } from './types.js';
import type { Role } from '../auth/roles.js';
import { quoteIdentifier as quote } from '../db/identifier.js';

/** Who reads a layer's records: anyone, or at least this role in the layer's municipality. */
export type ReadRole = 'public' | Role;

interface LayerRow {
  id: string;
  municipality_id: number | null;
  layer_group: LayerDefinition['group'];
  title: LayerDefinition['title'];
  description: LayerDefinition['description'];
  source_table: string;
  id_column: string;
  geometry_column: string;
  source_filter: LayerDefinition['sourceFilter'];
  geometry_type: LayerDefinition['geometryType'];
  fields: LayerDefinition['fields'];
  style: LayerDefinition['style'];
  restricted: boolean;
  read_role: ReadRole | null;
  min_zoom: number;
  max_zoom: number;
  sort_order: number;
  data_version: number;
}

/**
 * A registry layer checked against the database catalog, with the quoted identifiers every
 * query of it uses. Identifiers come from here only, so no request text reaches SQL.
 */
export interface ResolvedLayer extends LayerDefinition {
  /** The weakest role of the layer's municipality that reads its records; 'public': anyone. */
  readRole: ReadRole;
  sql: {
    table: string;
    id: string;
    geom: string;
    /** `"col"` for each non-restricted field, in registry order. */
    publicColumns: string[];
    /** Every field, restricted ones included. */
    allColumns: string[];
    /** Source filter as `"col" = $k` conditions (placeholders numbered from `firstParam`). */
    filter(firstParam: number): { conditions: string[]; values: unknown[] };
  };
}

/**
 * The layer registry, loaded from the `layer` table and re-read at most every `refreshMs`, so that
 * a data change (which bumps `data_version` by trigger) reaches tile cache keys within that time.
 */
export class LayerRegistry {
  private layers = new Map<string, ResolvedLayer>();
  private loadedAt = 0;
  private loading: Promise<void> | null = null;

  constructor(
    private readonly pool: pg.Pool,
    private readonly refreshMs = 2000,
    private readonly log: (msg: string) => void = () => {},
  ) {}

  /** The layer with this id, or undefined. */
  async get(id: string): Promise<ResolvedLayer | undefined> {
    await this.fresh();
    return this.layers.get(id);
  }

  /** All layers, ordered for display. */
  async list(): Promise<ResolvedLayer[]> {
    await this.fresh();
    return [...this.layers.values()];
  }

  /** Forget the loaded registry so the next call reads it again (after an upload or edit). */
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
    let rows: LayerRow[];
    let columns: Map<string, Set<string>>;
    try {
      rows = (await this.pool.query<LayerRow>('SELECT * FROM layer ORDER BY sort_order, id')).rows;
      const tables = [...new Set(rows.map((r) => r.source_table))];
      const { rows: cols } = await this.pool.query<{ table_name: string; column_name: string }>(
        `SELECT table_name, column_name FROM information_schema.columns
          WHERE table_schema = current_schema() AND table_name = ANY($1)`,
        [tables],
      );
      columns = new Map();
      for (const c of cols) {
        if (!columns.has(c.table_name)) columns.set(c.table_name, new Set());
        columns.get(c.table_name)!.add(c.column_name);
      }
    } catch (cause) {
      throw new Error('loading the layer registry', { cause });
    }
    const next = new Map<string, ResolvedLayer>();
    for (const row of rows) {
      const problem = checkRow(row, columns.get(row.source_table));
      if (problem) {
        this.log(`layer ${row.id} skipped: ${problem}`);
        continue;
      }
      next.set(row.id, resolve(row, columns.get(row.source_table)!.has('municipality_id')));
    }
    this.layers = next;
    this.loadedAt = Date.now();
  }
}

function checkRow(row: LayerRow, tableColumns: Set<string> | undefined): string | undefined {
  if (!tableColumns) return `source table "${row.source_table}" does not exist`;
  const needed = [row.id_column, row.geometry_column, ...row.fields.map((f) => f.name), ...Object.keys(row.source_filter)];
  const missing = needed.filter((c) => !tableColumns.has(c));
  return missing.length ? `columns ${missing.join(', ')} are not in "${row.source_table}"` : undefined;
}

function resolve(row: LayerRow, tenantColumn: boolean): ResolvedLayer {
  const filterEntries: [string, unknown][] = Object.entries(row.source_filter);
  if (row.municipality_id !== null && tenantColumn) filterEntries.unshift(['municipality_id', row.municipality_id]);
  return {
    id: row.id,
    municipalityId: row.municipality_id,
    group: row.layer_group,
    title: row.title,
    description: row.description,
    sourceTable: row.source_table,
    idColumn: row.id_column,
    geometryColumn: row.geometry_column,
    sourceFilter: row.source_filter,
    geometryType: row.geometry_type,
    fields: row.fields,
    style: row.style,
    restricted: row.restricted,
    readRole: row.read_role ?? (row.restricted ? 'editor' : 'public'),
    minZoom: row.min_zoom,
    maxZoom: row.max_zoom,
    sortOrder: row.sort_order,
    dataVersion: row.data_version,
    sql: {
      table: quote(row.source_table),
      id: quote(row.id_column),
      geom: quote(row.geometry_column),
      publicColumns: row.fields.filter((f) => !f.restricted).map((f) => quote(f.name)),
      allColumns: row.fields.map((f) => quote(f.name)),
      filter(firstParam) {
        return {
          conditions: filterEntries.map(([col, v], i) =>
            Array.isArray(v) ? `${quote(col)} = ANY($${firstParam + i})` : `${quote(col)} = $${firstParam + i}`,
          ),
          values: filterEntries.map(([, v]) => v),
        };
      },
    },
  };
}
