import type { FastifyInstance } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import type { WorkflowId } from '../../../server/src/editing/specs.js';
import { workflowStatuses, workflows } from '../../../server/src/workflows/definitions.js';
import { describeEachDatabase } from '../../helpers/testApp.js';
import { municipalityId, signedInAs } from '../../helpers/users.js';

/** A value for each field a status may require. */
const requiredValues: Record<string, unknown> = {
  technical_conditions_number: 'TN-2025/14',
  refusal_reason: 'Nav tehniskas iespējas',
  surface_condition: 'fair',
  lighting_condition: 'none',
  drainage_condition: 'poor',
  decision_number: '12/3',
  land_register_folio: '100000612345',
  yearly_maintenance_eur: 850,
  rejection_reason: 'Iela neatbilst prasībām',
};

const insertSql: Record<WorkflowId, string> = {
  'sewer-connections': `INSERT INTO sewer_connection (municipality_id, property_address, status, geom)
    VALUES ($1, 'Plūsmas iela 1', $2, ST_SetSRID(ST_MakePoint(501700, 301300), 3059)) RETURNING id, version`,
  'street-transfers': `INSERT INTO street_transfer (municipality_id, cadastre_designation, street_name, status, geom)
    VALUES ($1, '80760040777', 'Plūsmas iela', $2, ST_Multi(ST_MakeEnvelope(503000, 305000, 503100, 305008, 3059))) RETURNING id, version`,
  accommodation: `INSERT INTO accommodation_site (municipality_id, name, site_type, address_text, capacity, status, geom)
    VALUES ($1, 'Plūsmas māja', 'municipal', 'Plūsmas iela 2', 10, $2, ST_SetSRID(ST_MakePoint(511600, 301600), 3059)) RETURNING id, version`, // outside every parish: the public map test counts them
};

/** Every (workflow, from, to) pair of distinct statuses, with whether the pipeline allows it. */
const cases = (Object.keys(workflows) as WorkflowId[]).flatMap((id) => {
  const statuses = workflowStatuses(id).map((s) => s.value);
  return statuses.flatMap((from) =>
    statuses.filter((to) => to !== from).map((to) => ({ id, from, to, allowed: (workflows[id].transitions[from] ?? []).includes(to) })),
  );
});

describeEachDatabase('workflow transitions (/api/workflows)', (ctx) => {
  let app: FastifyInstance;
  let editor: Record<string, string>;
  let editorEmail: string;
  let testa: number;

  const seed = async (id: WorkflowId, status: string) =>
    (await app.pg.query<{ id: number; version: number }>(insertSql[id], [testa, status])).rows[0];
  const move = (id: WorkflowId, featureId: number, payload: Record<string, unknown>, headers = editor) =>
    app.inject({ method: 'POST', url: `/api/workflows/${id}/${featureId}/transition`, headers, payload });

  beforeAll(async () => {
    app = ctx().app;
    testa = await municipalityId(app, 'testw');
    const signed = await signedInAs(app, 'editor', testa);
    editor = { ...signed.headers, 'x-municipality': 'testw' };
    editorEmail = signed.email;
  });

  it('lists the three workflows of the request municipality with statuses, transitions and required fields', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/workflows', headers: { 'x-municipality': 'testw' } });
    expect(res.statusCode).toBe(200);
    const list = res.json();
    expect(list.map((w: { id: string; layerId: string }) => [w.id, w.layerId])).toEqual([
      ['sewer-connections', 'testw-sewer-connections'],
      ['street-transfers', 'testw-street-transfers'],
      ['accommodation', 'testw-accommodation-sites'],
    ]);
    expect(list[0].transitions.applied).toEqual(['technical_conditions', 'refused']);
    expect(list[1].required.council_decision).toContain('decision_number');
    expect(list[0].statuses[0]).toMatchObject({ value: 'not_connected', title: { lv: 'Nav pieslēgts' } });
  });

  it.each(cases)('$id: $from → $to is allowed: $allowed', async ({ id, from, to, allowed }) => {
    const feature = await seed(id, from);
    const fields = Object.fromEntries((workflows[id].required[to] ?? []).map((f) => [f, requiredValues[f]]));
    const res = await move(id, feature.id, { to, version: feature.version, ...fields });
    if (allowed) {
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().feature.properties).toMatchObject({ status: to, version: feature.version + 1, ...fields });
    } else {
      expect(res.statusCode).toBe(400);
      expect(res.json().allowed).toEqual(workflows[id].transitions[from]);
      const { rows } = await app.pg.query(`SELECT status FROM ${id === 'sewer-connections' ? 'sewer_connection' : id === 'street-transfers' ? 'street_transfer' : 'accommodation_site'} WHERE id = $1`, [feature.id]);
      expect(rows[0].status).toBe(from);
    }
  });

  it('names the missing required fields and changes nothing', async () => {
    const feature = await seed('street-transfers', 'inspection');
    const res = await move('street-transfers', feature.id, { to: 'council_decision', version: feature.version, surface_condition: 'good' });
    expect(res.statusCode).toBe(400);
    expect(res.json().missing).toEqual(['lighting_condition', 'drainage_condition', 'decision_number']);
    expect(res.json().message).toMatch(/lighting_condition, drainage_condition, decision_number/);
    const { rows } = await app.pg.query(`SELECT status, surface_condition, version FROM street_transfer WHERE id = $1`, [feature.id]);
    expect(rows[0]).toEqual({ status: 'inspection', surface_condition: null, version: feature.version });
  });

  it('stamps the step date, records co-financing and note, and audits the transition with before and after', async () => {
    const feature = await seed('sewer-connections', 'construction');
    const res = await move('sewer-connections', feature.id, {
      to: 'connected',
      version: feature.version,
      date: '2025-05-02',
      cofinancing_eur: 1200.5,
      note: 'Pieslēgts ar līdzfinansējumu',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().feature.properties).toMatchObject({ connected_on: '2025-05-02', cofinancing_eur: 1200.5, status: 'connected' });
    const { rows } = await app.pg.query(
      `SELECT details->'before'->'properties'->>'status' AS before, details->'after'->'properties'->>'status' AS after
         FROM audit_log WHERE action = 'workflow.transition' AND layer_id = 'testw-sewer-connections' AND feature_id = $1`,
      [String(feature.id)],
    );
    expect(rows).toEqual([{ before: 'construction', after: 'connected' }]);
    const history = await app.pg.query(
      `SELECT changed_by FROM status_history WHERE entity = 'sewer_connection' AND entity_id = $1 AND to_status = 'connected'`,
      [feature.id],
    );
    expect(history.rows[0].changed_by).toBe(editorEmail);
  });

  it('refuses unknown and wrongly typed step fields, stale versions and non-editors', async () => {
    const feature = await seed('sewer-connections', 'applied');
    const unknown = await move('sewer-connections', feature.id, { to: 'refused', version: feature.version, refusal_reason: 'x', colour: 'red' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().message).toMatch(/colour/);
    const wrongType = await move('sewer-connections', feature.id, { to: 'technical_conditions', version: feature.version, technical_conditions_number: 'T1', cofinancing_eur: 'daudz' });
    expect(wrongType.statusCode).toBe(400);
    for (const date of ['2025-02-30', 'vakar']) {
      const badDate = await move('sewer-connections', feature.id, { to: 'refused', version: feature.version, refusal_reason: 'x', date });
      expect(badDate.statusCode, date).toBe(400);
    }
    const stale = await move('sewer-connections', feature.id, { to: 'refused', version: feature.version + 5, refusal_reason: 'x' });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().current.properties.status).toBe('applied');
    const official = await signedInAs(app, 'official', testa);
    const refused = await move('sewer-connections', feature.id, { to: 'refused', version: feature.version, refusal_reason: 'x' }, { ...official.headers, 'x-municipality': 'testw' });
    expect(refused.statusCode).toBe(403);
    const { rows } = await app.pg.query(`SELECT status, version FROM sewer_connection WHERE id = $1`, [feature.id]);
    expect(rows[0]).toEqual({ status: 'applied', version: feature.version });
  });

  it('keeps an accommodation site start date when it reopens', async () => {
    const feature = await seed('accommodation', 'closed');
    await app.pg.query(`UPDATE accommodation_site SET period_from = '2022-03-01', period_to = '2023-01-01' WHERE id = $1`, [feature.id]);
    const res = await move('accommodation', feature.id, { to: 'active', version: feature.version + 1, period_to: null });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().feature.properties).toMatchObject({ status: 'active', period_from: '2022-03-01', period_to: null });
  });
});
