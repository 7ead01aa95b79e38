import type { LocalizedText } from '../layers/types.js';

/** The three programmes an official decides about. */
export const dashboardIds = ['sewer', 'streets', 'accommodation'] as const;
export type DashboardId = (typeof dashboardIds)[number];

/**
 * How an indicator's rows are shaped, which decides how the Dashboards page draws it:
 * - `kpi`: one row with `value` (and, for a rate, `numerator` and `denominator`): a KPI card;
 * - `series`: rows with `period` (`YYYY`, `YYYY-MM`) ascending and one numeric column per series: a line or bar chart over time;
 * - `categories`: rows with `category` (a code, titled by `categories`) and numeric columns: a bar chart;
 * - `units`: rows with `unit_id`, `name` and numeric columns, one per territorial unit: a bar chart and the choropleth;
 * - `table`: rows of a short list (e.g. the longest-waiting applications).
 */
export type IndicatorKind = 'kpi' | 'series' | 'categories' | 'units' | 'table';

/** What a number measures; the client formats it. */
export type Measure = 'percent' | 'count' | 'km' | 'eur' | 'days' | 'places';

/** A numeric column of an indicator's rows. */
export interface IndicatorColumn {
  name: string;
  title: LocalizedText;
  measure: Measure;
}

/** An indicator as the catalog declares it: SQL file, texts and shape. */
export interface IndicatorDefinition {
  /** `<dashboard>.<name>`, e.g. `sewer.connection_rate`; the SQL is `sql/indicators/<dashboard>/<name>.sql`. */
  id: string;
  kind: IndicatorKind;
  /**
   * Every layer its SQL reads, as keys of server/src/layers/domainLayers.ts (`sewer-connections`).
   * A `table` lists records and needs the right to read the records of each; other kinds are
   * aggregates and need the right to read the aggregates of each (server/src/access/layerAccess.ts).
   */
  layers: string[];
  title: LocalizedText;
  /** How it is computed, in words an official understands; shown under the info icon. */
  definition: LocalizedText;
  /** The value (kpi) or the numeric columns (other kinds), in the order they are charted. */
  columns: IndicatorColumn[];
  /** Titles of the category codes of a `categories` indicator (site types, statuses). */
  categories?: Record<string, LocalizedText>;
  /**
   * Personal data: the column that counts the records behind each row. Readers who may not see the
   * records get rows counting 1–4 records without numbers (small-count suppression).
   */
  recordCount?: string;
  /** Shown in the national comparison. */
  headline?: boolean;
  /** A `units` indicator: the kind of territorial unit its rows are (its choropleth draws `/api/dashboards/units?by=`). */
  unitKind?: 'parish' | 'village' | 'settlement';
  /** A `table` indicator: titles of its fields that are not numeric columns (address, status, dates). */
  fields?: { name: string; title: LocalizedText }[];
}

export type IndicatorRow = Record<string, string | number | null>;

/** An indicator as computed for one request. */
export interface IndicatorResult extends Omit<IndicatorDefinition, 'recordCount' | 'layers'> {
  rows: IndicatorRow[];
  /** Per row: whether its numbers were suppressed (rows with `recordCount` only). */
  suppressed?: boolean[];
  computedAt: string;
  elapsedMs: number;
}

/** The filters every indicator of a dashboard is computed with (cross-filtering, date range). */
export interface DashboardFilters {
  /** A parish, town or village: only what lies in it counts. */
  unitId: number | null;
  /** Inclusive ISO dates; null means open-ended. */
  from: string | null;
  to: string | null;
}

export interface DashboardResult {
  dashboard: DashboardId;
  title: LocalizedText;
  /** The decision question the dashboard answers. */
  question: LocalizedText;
  municipality: { id: number; code: string; name: string };
  filters: DashboardFilters & { unit: { id: number; name: string; kind: string } | null };
  /** Counts from 1 to threshold − 1 are suppressed in rows with record counts; null for readers of the records. */
  threshold: number | null;
  indicators: IndicatorResult[];
  /** Indicators left out because they read layers (or records) the reader may not read. */
  withheld?: string[];
  computedAt: string;
  elapsedMs: number;
}

/** One municipality's row of the national comparison. */
export interface ComparisonRow {
  id: number;
  code: string;
  name: string;
  /** The municipality the request is about. */
  own: boolean;
  /** False when the municipality has no such layer or does not publish it to this reader. */
  published: boolean;
  values: Record<string, number | null>;
  suppressed: Record<string, boolean>;
}

/** A dashboard's KPIs for every municipality hosted here, side by side. */
export interface Comparison {
  indicators: Omit<IndicatorDefinition, 'recordCount' | 'layers'>[];
  municipalities: ComparisonRow[];
}
