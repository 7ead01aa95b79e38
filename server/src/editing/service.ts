import type { FastifyRequest } from 'fastify';
import type pg from 'pg';
import type { ResolvedLayer } from '../layers/registry.js';
import { badRequest, notFound, UserError } from '../plugins/errors.js';
import { workflows } from '../workflows/definitions.js';
import type { EditSpec } from './specs.js';
import { validateProperties } from './validate.js';
import { quoteIdentifier as quote } from '../db/identifier.js';

/**
 * The one edit service behind the REST editing API, the workflow transitions and OGC API –
 * Features Part 4: geometry and field checks, optimistic locking on `version` (bumped by the
 * trigger of migration 0005), and an audit entry with before/after in the same transaction.
 * Every function runs on a client inside withMunicipality(layer.municipalityId).
 */

export interface EditFeature {
  type: 'Feature';
  id: number;
  geometry: unknown;
  properties: Record<string, unknown>;
}

export interface EditContext {
  db: pg.PoolClient;
  request: FastifyRequest;
  layer: ResolvedLayer & { municipalityId: number };
  spec: EditSpec;
}

/** A refusal whose body carries more than a message (409 conflicts, refused transitions). */
export class EditRefusal extends UserError {
  constructor(
    statusCode: number,
    message: string,
    public readonly body: Record<string, unknown>,
  ) {
    super(statusCode, message);
  }
}

export const EDIT_ACTIONS = ['feature.create', 'feature.update', 'feature.delete', 'feature.restore', 'workflow.transition'];

/** Latvia with a margin, in EPSG:4326: coordinates outside are a swapped axis or another country. */
const LATVIA_4326 = [20.8, 55.6, 28.3, 58.1];

const today = () => new Date().toISOString().slice(0, 10);

/** The feature as GeoJSON in EPSG:4326 with all its columns (version included), or null. */
export async function loadFeature(ctx: EditContext, id: number, forUpdate = false): Promise<EditFeature | null> {
  const { rows } = await ctx.db.query<{ id: number; geometry: unknown; properties: Record<string, unknown> }>(
    `SELECT t.id, ST_AsGeoJSON(ST_Transform(t.geom, 4326), 7)::json AS geometry,
            to_jsonb(t) - 'geom' - 'id' - 'municipality_id' AS properties
       FROM ${ctx.spec.table} t WHERE t.id = $1 AND t.municipality_id = $2 ${forUpdate ? 'FOR UPDATE' : ''}`,
    [id, ctx.layer.municipalityId],
  );
  return rows[0] ? { type: 'Feature', id: rows[0].id, geometry: rows[0].geometry, properties: rows[0].properties } : null;
}

/** Checks a GeoJSON geometry in PostGIS: parseable, the layer's type, valid and inside Latvia. */
async function checkGeometry(ctx: EditContext, geometry: unknown): Promise<string> {
  const json = JSON.stringify(geometry);
  let row: { type: string; valid: boolean; reason: string; inside: boolean; empty: boolean };
  try {
    await ctx.db.query('SAVEPOINT geometry_check');
    ({
      rows: [row],
    } = await ctx.db.query(
      `WITH g AS (SELECT ST_Force2D(ST_SetSRID(ST_GeomFromGeoJSON($1), 4326)) AS g)
       SELECT GeometryType(g) AS type, ST_IsValid(g) AS valid, ST_IsValidReason(g) AS reason, ST_IsEmpty(g) AS empty,
              ST_CoveredBy(g, ST_MakeEnvelope($2, $3, $4, $5, 4326)) AS inside FROM g`,
      [json, ...LATVIA_4326],
    ));
    await ctx.db.query('RELEASE SAVEPOINT geometry_check');
  } catch {
    await ctx.db.query('ROLLBACK TO SAVEPOINT geometry_check');
    throw badRequest('The geometry is not valid GeoJSON: give {"type": …, "coordinates": …} in EPSG:4326 (longitude, latitude).');
  }
  const wanted = ctx.spec.geometryType === 'Point' ? ['POINT'] : ['POLYGON', 'MULTIPOLYGON'];
  if (!wanted.includes(row.type)) {
    throw badRequest(`This layer holds ${ctx.spec.geometryType === 'Point' ? 'points' : 'polygons'}; the geometry given is a ${row.type.toLowerCase()}.`);
  }
  if (row.empty) throw badRequest('The geometry is empty.');
  if (!row.valid) throw badRequest(`The geometry is not valid (${row.reason}); fix it and save again.`);
  if (!row.inside) {
    throw badRequest('The geometry lies outside Latvia. Coordinates are EPSG:4326 longitude, latitude (e.g. [24.1, 56.9]); check the axis order.');
  }
  return json;
}

/** The SQL expression turning GeoJSON parameter $n into the table's stored geometry. */
const geomSql = (spec: EditSpec, p: number) =>
  spec.geometryType === 'MultiPolygon'
    ? `ST_Multi(ST_Transform(ST_Force2D(ST_SetSRID(ST_GeomFromGeoJSON($${p}), 4326)), 3059))`
    : `ST_Transform(ST_Force2D(ST_SetSRID(ST_GeomFromGeoJSON($${p}), 4326)), 3059)`;

/** Runs a write, turning the table's own CHECK refusals into a 400 the user can act on. */
async function write<T>(ctx: EditContext, sql: string, values: unknown[]): Promise<pg.QueryResult<T & pg.QueryResultRow>> {
  try {
    return await ctx.db.query<T & pg.QueryResultRow>(sql, values);
  } catch (err) {
    const e = err as { code?: string; constraint?: string; message?: string };
    if (e.code === '23514') {
      const hint = /occupied/.test(e.constraint ?? e.message ?? '')
        ? 'occupied places cannot exceed the capacity'
        : /period/.test(e.constraint ?? e.message ?? '')
          ? 'the period must end on or after it starts'
          : `a rule of the table refused it (${e.constraint ?? 'check'})`;
      throw badRequest(`The feature was not saved: ${hint}.`);
    }
    if (e.code === '22007' || e.code === '22008' || e.code === '22P02' || e.code === '22003') {
      throw badRequest(`The feature was not saved: a value has the wrong form (${e.message}).`);
    }
    throw err;
  }
}

async function audit(ctx: EditContext, action: string, id: number, before: EditFeature | null, after: EditFeature | null, extra = {}) {
  await ctx.request.server.audit.recordIn(ctx.db, ctx.request, {
    action,
    municipalityId: ctx.layer.municipalityId,
    layerId: ctx.layer.id,
    featureId: id,
    details: { before, after, ...extra },
  });
}

/** Names the editor in status_history.changed_by (0005) for this transaction. */
async function nameEditor(ctx: EditContext) {
  const u = ctx.request.user;
  if (u) await ctx.db.query(`SELECT set_config('app.user', $1, true)`, [u.email]);
}

/** Who last changed the feature, and when, from the audit log. */
async function lastChange(ctx: EditContext, id: number): Promise<{ changedBy: { name: string } | null; changedAt: string | null }> {
  const { rows } = await ctx.db.query<{ at: Date; name: string | null }>(
    `SELECT a.at, coalesce(nullif(u.name, ''), u.email) AS name
       FROM audit_log a LEFT JOIN app_user u ON u.id = a.user_id
      WHERE a.municipality_id = $1 AND a.layer_id = $2 AND a.feature_id = $3 AND a.action = ANY($4)
      ORDER BY a.id DESC LIMIT 1`,
    [ctx.layer.municipalityId, ctx.layer.id, String(id), EDIT_ACTIONS],
  );
  return { changedBy: rows[0]?.name ? { name: rows[0].name } : null, changedAt: rows[0] ? new Date(rows[0].at).toISOString() : null };
}

/** The current row for a change based on `version`: 404 when gone, 409 (with the current state) when stale. */
async function lockCurrent(ctx: EditContext, id: number, version: number): Promise<EditFeature> {
  const current = await loadFeature(ctx, id, true);
  if (!current) throw notFound(`There is no feature ${id} in the layer "${ctx.layer.id}"; it may have been deleted.`);
  const now = current.properties.version as number;
  if (now !== version) {
    const who = await lastChange(ctx, id);
    const message =
      `Someone else saved this feature after you opened it (your version ${version}, now ${now}` +
      `${who.changedBy ? `, by ${who.changedBy.name}` : ''}). Review their change and save again based on version ${now}.`;
    throw new EditRefusal(409, message, { statusCode: 409, error: 'Conflict', message, current, ...who });
  }
  return current;
}

/** Creates a feature; returns it as stored. */
export async function createFeature(ctx: EditContext, geometry: unknown, properties: Record<string, unknown>, opts: { ignoreServerColumns?: boolean } = {}): Promise<EditFeature> {
  const values = validateProperties(ctx.spec, properties, { create: true, allowReadOnly: true, ...opts });
  const flow = workflows[ctx.spec.workflow];
  if (values.status !== undefined && values.status !== null) {
    const missing = (flow.required[values.status as string] ?? []).filter((f) => values[f] === undefined || values[f] === null);
    if (missing.length) throw badRequest(`A feature with status "${values.status}" needs ${missing.join(', ')}.`);
  } else {
    delete values.status;
  }
  const json = await checkGeometry(ctx, geometry);
  await nameEditor(ctx);
  const cols = Object.keys(values);
  const params: unknown[] = [ctx.layer.municipalityId, json, ...cols.map((c) => values[c])];
  const { rows } = await write<{ id: number }>(
    ctx,
    `INSERT INTO ${ctx.spec.table} (municipality_id, geom${cols.map((c) => `, ${quote(c)}`).join('')})
     VALUES ($1, ${geomSql(ctx.spec, 2)}${cols.map((_, i) => `, $${i + 3}`).join('')}) RETURNING id`,
    params,
  );
  const after = (await loadFeature(ctx, rows[0].id))!;
  await audit(ctx, 'feature.create', after.id, null, after);
  return after;
}

export interface UpdateOptions {
  geometry?: unknown;
  properties?: Record<string, unknown>;
  /** A status change, checked against the workflow. */
  transition?: { to: string; date?: string };
  action?: 'feature.update' | 'workflow.transition' | 'feature.restore';
  /** OGC clients send every column back: ignore server-kept ones and treat a changed status as a transition. */
  ogc?: boolean;
  /** Restore: write the status and columns as they were, without workflow rules. */
  raw?: boolean;
  extraAudit?: Record<string, unknown>;
}

/** Updates a feature based on `version`; 409 when stale. */
export async function updateFeature(ctx: EditContext, id: number, version: number, opts: UpdateOptions): Promise<EditFeature> {
  const props = { ...(opts.properties ?? {}) };
  let transition = opts.transition;
  if (opts.ogc && props.status !== undefined) {
    transition = { to: String(props.status) };
    delete props.status;
  }
  const values = validateProperties(ctx.spec, props, {
    create: false,
    allowReadOnly: opts.raw,
    ignoreServerColumns: opts.ogc || opts.raw,
  });
  const json = opts.geometry === undefined ? undefined : await checkGeometry(ctx, opts.geometry);
  const current = await lockCurrent(ctx, id, version);
  for (const f of ctx.spec.fields) {
    if (f.required && f.name in values && values[f.name] === null) throw badRequest(`The feature was not saved: "${f.name}" is required.`);
  }

  const sets: string[] = [];
  const params: unknown[] = [id, ctx.layer.municipalityId];
  const set = (col: string, value: unknown) => {
    params.push(value);
    sets.push(`${quote(col)} = $${params.length}`);
  };
  let action = opts.action ?? 'feature.update';
  if (transition && transition.to !== current.properties.status) {
    applyTransition(ctx, current, transition, values);
    action = opts.action ?? 'workflow.transition';
    set('status_changed_at', new Date().toISOString());
  }
  if (opts.raw && 'status' in values && values.status !== current.properties.status) set('status_changed_at', new Date().toISOString());
  for (const [col, v] of Object.entries(values)) set(col, v);
  if (json !== undefined) {
    params.push(json);
    sets.push(`geom = ${geomSql(ctx.spec, params.length)}`);
  }
  if (!sets.length) throw badRequest('Nothing to change: give geometry or properties.');
  await nameEditor(ctx);
  await write(ctx, `UPDATE ${ctx.spec.table} SET ${sets.join(', ')} WHERE id = $1 AND municipality_id = $2`, params);
  const after = (await loadFeature(ctx, id))!;
  await audit(ctx, action, id, current, after, opts.extraAudit);
  return after;
}

/**
 * Checks a status change against the workflow and adds the status and its date to `values`:
 * 400 with `allowed` for a step the pipeline does not allow, with `missing` for absent fields.
 */
function applyTransition(ctx: EditContext, current: EditFeature, transition: { to: string; date?: string }, values: Record<string, unknown>) {
  const flow = workflows[ctx.spec.workflow];
  const from = String(current.properties.status);
  const allowed = flow.transitions[from] ?? [];
  if (!allowed.includes(transition.to)) {
    const message = allowed.length
      ? `A ${ctx.spec.workflow} feature in status "${from}" can move only to: ${allowed.join(', ')} (not "${transition.to}").`
      : `A ${ctx.spec.workflow} feature in status "${from}" is final and cannot move to "${transition.to}".`;
    throw new EditRefusal(400, message, { statusCode: 400, error: 'Bad Request', message, allowed });
  }
  const dateField = flow.dateField[transition.to];
  const date = transition.date ?? today();
  if (dateField && !(flow.keepDate?.includes(dateField) && current.properties[dateField])) {
    values[dateField] ??= date;
  }
  const has = (f: string) => {
    const v = f in values ? values[f] : current.properties[f];
    return v !== null && v !== undefined && v !== '';
  };
  const missing = (flow.required[transition.to] ?? []).filter((f) => !has(f));
  if (missing.length) {
    const message = `To move to "${transition.to}", give ${missing.join(', ')}.`;
    throw new EditRefusal(400, message, { statusCode: 400, error: 'Bad Request', message, missing });
  }
  values.status = transition.to;
}

/** Deletes a feature based on `version`; 409 when stale. */
export async function deleteFeature(ctx: EditContext, id: number, version: number): Promise<void> {
  const current = await lockCurrent(ctx, id, version);
  await nameEditor(ctx);
  await ctx.db.query(`DELETE FROM ${ctx.spec.table} WHERE id = $1 AND municipality_id = $2`, [id, ctx.layer.municipalityId]);
  await audit(ctx, 'feature.delete', id, current, null);
}

export interface HistoryEntry {
  version: number | null;
  at: string;
  user: { name: string } | null;
  action: string;
  before: EditFeature | null;
  after: EditFeature | null;
}

/** Every recorded change of the feature, newest first. */
export async function featureHistory(ctx: EditContext, id: number): Promise<HistoryEntry[]> {
  const { rows } = await ctx.db.query<{ at: Date; name: string | null; action: string; details: { before?: EditFeature; after?: EditFeature } }>(
    `SELECT a.at, coalesce(nullif(u.name, ''), u.email) AS name, a.action, a.details
       FROM audit_log a LEFT JOIN app_user u ON u.id = a.user_id
      WHERE a.municipality_id = $1 AND a.layer_id = $2 AND a.feature_id = $3 AND a.action = ANY($4)
      ORDER BY a.id DESC`,
    [ctx.layer.municipalityId, ctx.layer.id, String(id), EDIT_ACTIONS],
  );
  return rows.map((r) => ({
    version: (r.details.after?.properties?.version as number | undefined) ?? null,
    at: new Date(r.at).toISOString(),
    user: r.name ? { name: r.name } : null,
    action: r.action,
    before: r.details.before ?? null,
    after: r.details.after ?? null,
  }));
}

/** Brings back the state the feature had at `toVersion` (from the audit log), as a new version. */
export async function restoreFeature(ctx: EditContext, id: number, version: number, toVersion: number): Promise<EditFeature> {
  const history = await featureHistory(ctx, id);
  const state =
    history.find((h) => h.after?.properties.version === toVersion)?.after ??
    history.find((h) => h.before?.properties.version === toVersion)?.before;
  if (!state) {
    const known = [...new Set(history.flatMap((h) => [h.before?.properties.version, h.after?.properties.version]).filter((v) => v !== undefined))];
    throw badRequest(`Version ${toVersion} of feature ${id} is not in its history; known versions: ${known.join(', ') || 'none'}.`);
  }
  const editable = new Set(ctx.spec.fields.map((f) => f.name));
  const properties = Object.fromEntries(Object.entries(state.properties).filter(([k]) => editable.has(k)));
  return updateFeature(ctx, id, version, {
    geometry: state.geometry,
    properties,
    raw: true,
    action: 'feature.restore',
    extraAudit: { toVersion },
  });
}
