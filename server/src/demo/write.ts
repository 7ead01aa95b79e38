import type pg from 'pg';
import { lineWkt, polygonWkt } from './geometry.js';
import type { DemoPlan } from './plan.js';
import { dateOf, type StatusStep } from './timeline.js';

type Db = pg.PoolClient | pg.Client;

/**
 * Writes a demo plan with a few dozen set-based statements (`INSERT … SELECT … FROM unnest(…)`),
 * never one statement per row and never COPY, which the embedded database's socket cannot do.
 * Runs inside the caller's transaction; returns the new municipality's id.
 */
export async function writeDemoPlan(db: Db, plan: DemoPlan): Promise<number> {
  // The history triggers record who changed a status; make it say where the rows came from.
  await db.query(`SELECT set_config('app.user', 'demo-seed', true)`);
  const m = plan.municipality;
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO municipality (code, name, name_en, atvk_code, is_demo, settings, boundary)
     VALUES ($1, $2, $3, $4, true, $5, ST_Multi(ST_GeomFromText($6, 3059)))
     RETURNING id`,
    [m.code, m.name, m.nameEn, m.atvkCode, JSON.stringify({ demo: { seed: plan.seed, asOf: dateOf(plan.asOf.toISOString()) } }), polygonWkt(m.boundary)],
  );
  const id = rows[0].id;
  await writeUnits(db, id, plan);
  await writeAddresses(db, id, plan);
  await writeSewerNetwork(db, id, plan);
  await writeSewerConnections(db, id, plan);
  await writeStreetTransfers(db, id, plan);
  await writeAccommodationSites(db, id, plan);
  await writeFacilities(db, id, plan);
  return id;
}

/** Polygons from any overlay, cleaned into a valid MultiPolygon. */
const asMultiPolygon = (expr: string) => `ST_Multi(ST_CollectionExtract(ST_MakeValid(${expr}), 3))`;

async function writeUnits(db: Db, id: number, plan: DemoPlan) {
  const towns = plan.units.filter((u) => u.kind === 'town');
  await db.query(
    `INSERT INTO territorial_unit (municipality_id, kind, name, atvk_code, geom)
     SELECT $1, 'town', u.name, u.atvk, ${asMultiPolygon('ST_Intersection(ST_GeomFromText(u.wkt, 3059), m.boundary)')}
       FROM unnest($2::text[], $3::text[], $4::text[]) AS u(name, atvk, wkt), municipality m
      WHERE m.id = $1`,
    [id, towns.map((u) => u.name), towns.map((u) => u.atvkCode), towns.map((u) => polygonWkt(u.ring!))],
  );
  // Parishes one by one: each takes its region of the municipality minus what towns and earlier
  // parishes already took, so together they tile the municipality without overlaps; the parish
  // without a region takes the rest.
  for (const parish of plan.units.filter((u) => u.kind === 'parish')) {
    const area = parish.region ? 'ST_Intersection(m.boundary, ST_GeomFromText($4, 3059))' : 'm.boundary';
    await db.query(
      `INSERT INTO territorial_unit (municipality_id, kind, name, atvk_code, geom)
       SELECT $1, 'parish', $2, $3,
              ${asMultiPolygon(`ST_Difference(${area}, coalesce(taken.geom, 'SRID=3059;POLYGON EMPTY'::geometry))`)}
         FROM municipality m,
              (SELECT ST_Union(geom) AS geom FROM territorial_unit WHERE municipality_id = $1 AND kind IN ('town', 'parish')) taken
        WHERE m.id = $1`,
      parish.region ? [id, parish.name, parish.atvkCode, polygonWkt(parish.region)] : [id, parish.name, parish.atvkCode],
    );
  }
  const villages = plan.units.filter((u) => u.kind === 'village');
  await db.query(
    `INSERT INTO territorial_unit (municipality_id, kind, name, atvk_code, parent_id, geom)
     SELECT $1, 'village', u.name, u.atvk, p.id, ST_Multi(ST_GeomFromText(u.wkt, 3059))
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS u(name, atvk, parish, wkt, ord)
       JOIN territorial_unit p ON p.municipality_id = $1 AND p.kind = 'parish' AND p.name = u.parish
      ORDER BY u.ord`,
    [id, villages.map((u) => u.name), villages.map((u) => u.atvkCode), villages.map((u) => u.parent), villages.map((u) => polygonWkt(u.ring!))],
  );
}

async function writeAddresses(db: Db, id: number, plan: DemoPlan) {
  const a = plan.addresses;
  await db.query(
    `INSERT INTO address (municipality_id, code, type_code, status, name, full_address, postcode, village_id, geom)
     SELECT $1, u.code, 108, 'EKS', u.name, u.full_address, u.postcode, t.id, ST_SetSRID(ST_MakePoint(u.x, u.y), 3059)
       FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::float8[], $8::float8[])
              WITH ORDINALITY AS u(code, name, full_address, postcode, settlement, x, y, ord)
       LEFT JOIN territorial_unit t ON t.municipality_id = $1 AND t.kind IN ('village', 'town') AND t.name = u.settlement
      ORDER BY u.ord`,
    [
      id,
      a.map((x) => x.code),
      a.map((x) => x.name),
      a.map((x) => x.fullAddress),
      a.map((x) => x.postcode),
      a.map((x) => x.settlement),
      a.map((x) => x.xy[0]),
      a.map((x) => x.xy[1]),
    ],
  );
}

async function writeSewerNetwork(db: Db, id: number, plan: DemoPlan) {
  const mains = plan.sewerMains;
  await db.query(
    `INSERT INTO sewer_main (municipality_id, kind, diameter_mm, material, year_built, operator, geom)
     SELECT $1, u.kind, u.diameter, u.material, u.year, $2, ST_GeomFromText(u.wkt, 3059)
       FROM unnest($3::text[], $4::int[], $5::text[], $6::int[], $7::text[]) WITH ORDINALITY AS u(kind, diameter, material, year, wkt, ord)
      ORDER BY u.ord`,
    [
      id,
      plan.sewerOperator,
      mains.map((x) => x.kind),
      mains.map((x) => x.diameterMm),
      mains.map((x) => x.material),
      mains.map((x) => x.yearBuilt),
      mains.map((x) => lineWkt(x.points)),
    ],
  );
  const holes = plan.manholes;
  await db.query(
    `INSERT INTO sewer_manhole (municipality_id, code, depth_m, geom)
     SELECT $1, u.code, u.depth, ST_SetSRID(ST_MakePoint(u.x, u.y), 3059)
       FROM unnest($2::text[], $3::numeric[], $4::float8[], $5::float8[]) WITH ORDINALITY AS u(code, depth, x, y, ord)
      ORDER BY u.ord`,
    [id, holes.map((x) => x.code), holes.map((x) => x.depthM), holes.map((x) => x.xy[0]), holes.map((x) => x.xy[1])],
  );
}

async function writeSewerConnections(db: Db, id: number, plan: DemoPlan) {
  const c = plan.sewerConnections;
  // Every record starts in its first status at its first date; the steps below move it on.
  await db.query(
    `INSERT INTO sewer_connection (municipality_id, address_id, property_address, cadastre_designation, status,
                                   status_changed_at, updated_at, cofinancing_eur, population_equivalent,
                                   current_treatment, note, geom)
     SELECT $1, a.id, a.full_address, u.cadastre, u.status, u.at, u.at, u.cofinancing, u.pe, u.treatment, u.note, a.geom
       FROM unnest($2::bigint[], $3::text[], $4::text[], $5::timestamptz[], $6::numeric[], $7::numeric[], $8::text[], $9::text[])
              WITH ORDINALITY AS u(code, cadastre, status, at, cofinancing, pe, treatment, note, ord)
       JOIN address a ON a.municipality_id = $1 AND a.code = u.code
      ORDER BY u.ord`,
    [
      id,
      c.map((x) => x.addressCode),
      c.map((x) => x.cadastre),
      c.map((x) => x.steps[0].status),
      c.map((x) => x.steps[0].at),
      c.map((x) => x.cofinancingEur),
      c.map((x) => x.populationEquivalent),
      c.map((x) => x.treatment),
      c.map((x) => x.note),
    ],
  );
  await advanceThroughSteps(db, id, {
    table: 'sewer_connection',
    records: c.map((x) => ({ key: x.cadastre, steps: x.steps })),
    dateColumns: {
      applied: 'applied_on',
      technical_conditions: 'technical_conditions_on',
      construction: 'construction_started_on',
      connected: 'connected_on',
      refused: 'refused_on',
    },
    // Once on the network, the cesspool or septic tank is no longer the property's treatment.
    extraSet: { connected: 'current_treatment = NULL' },
  });
}

async function writeStreetTransfers(db: Db, id: number, plan: DemoPlan) {
  const t = plan.streetTransfers;
  await db.query(
    `INSERT INTO street_transfer (municipality_id, cadastre_designation, street_name, length_m, width_m, surface, status,
                                  status_changed_at, updated_at, applied_on, yearly_maintenance_eur, owner_name, note, geom)
     SELECT $1, u.cadastre, u.street, u.length, u.width, u.surface, u.status, u.at, u.at, u.applied_on, u.maintenance,
            u.owner, u.note, ST_Multi(ST_GeomFromText(u.wkt, 3059))
       FROM unnest($2::text[], $3::text[], $4::numeric[], $5::numeric[], $6::text[], $7::text[], $8::timestamptz[],
                   $9::date[], $10::numeric[], $11::text[], $12::text[], $13::text[])
              WITH ORDINALITY AS u(cadastre, street, length, width, surface, status, at, applied_on, maintenance, owner, note, wkt, ord)
      ORDER BY u.ord`,
    [
      id,
      t.map((x) => x.cadastre),
      t.map((x) => x.streetName),
      t.map((x) => x.lengthM),
      t.map((x) => x.widthM),
      t.map((x) => x.surface),
      t.map((x) => x.steps[0].status),
      t.map((x) => x.steps[0].at),
      t.map((x) => dateOf(x.steps[0].at)),
      t.map((x) => x.yearlyMaintenanceEur),
      t.map((x) => x.ownerName),
      t.map((x) => x.note),
      t.map((x) => polygonWkt(x.ring)),
    ],
  );
  await advanceThroughSteps(db, id, {
    table: 'street_transfer',
    records: t.map((x) => ({
      key: x.cadastre,
      steps: x.steps,
      decision: x.decision ? { stepIndex: x.decision.stepIndex, number: x.decision.number, date: x.decision.date } : undefined,
    })),
    dateColumns: { accepted: 'accepted_on' },
  });
}

interface WorkflowRecord {
  /** The record's cadastre designation, unique within the municipality. */
  key: string;
  steps: StatusStep[];
  /** A council decision recorded together with step `stepIndex`. */
  decision?: { stepIndex: number; number: string; date: string };
}

/**
 * Moves records through their statuses one pipeline step at a time, one UPDATE per step and
 * status, setting `status_changed_at` to the step's past date: the status trigger then writes
 * a history row with that date, exactly as if the change had happened then.
 */
async function advanceThroughSteps(
  db: Db,
  id: number,
  opts: {
    table: 'sewer_connection' | 'street_transfer';
    records: WorkflowRecord[];
    /** The date column each status fills (identifiers from this module only, never from data). */
    dateColumns: Record<string, string>;
    extraSet?: Record<string, string>;
  },
) {
  const longest = Math.max(0, ...opts.records.map((r) => r.steps.length));
  const withDecisions = opts.table === 'street_transfer';
  for (let k = 1; k < longest; k++) {
    const byStatus = new Map<string, WorkflowRecord[]>();
    for (const r of opts.records) {
      if (r.steps.length <= k) continue;
      const status = r.steps[k].status;
      const group = byStatus.get(status);
      if (group) group.push(r);
      else byStatus.set(status, [r]);
    }
    for (const [status, group] of byStatus) {
      const sets = ['status = $2', 'status_changed_at = u.at', 'updated_at = u.at'];
      if (opts.dateColumns[status]) sets.push(`${opts.dateColumns[status]} = u.day`);
      if (opts.extraSet?.[status]) sets.push(opts.extraSet[status]);
      const params: unknown[] = [
        id,
        status,
        group.map((r) => r.key),
        group.map((r) => r.steps[k].at),
        group.map((r) => dateOf(r.steps[k].at)),
      ];
      let decisionArrays = '';
      if (withDecisions) {
        const decided = (r: WorkflowRecord) => (r.decision?.stepIndex === k ? r.decision : undefined);
        sets.push('decision_number = coalesce(u.decision_number, t.decision_number)', 'decision_date = coalesce(u.decision_date, t.decision_date)');
        params.push(group.map((r) => decided(r)?.number ?? null), group.map((r) => decided(r)?.date ?? null));
        decisionArrays = ', $6::text[], $7::date[]';
      }
      await db.query(
        `UPDATE ${opts.table} AS t SET ${sets.join(', ')}
           FROM unnest($3::text[], $4::timestamptz[], $5::date[]${decisionArrays})
                  AS u(key, at, day${withDecisions ? ', decision_number, decision_date' : ''})
          WHERE t.municipality_id = $1 AND t.cadastre_designation = u.key`,
        params,
      );
    }
  }
}

async function writeAccommodationSites(db: Db, id: number, plan: DemoPlan) {
  const s = plan.accommodationSites;
  const first = s.map((x) => x.occupancy[0]);
  await db.query(
    `INSERT INTO accommodation_site (municipality_id, name, site_type, address_id, address_text, capacity, occupied, families,
                                     children, accessible, accessibility_notes, period_from, period_to, contact_person,
                                     contact_phone, updated_at, geom)
     SELECT $1, u.name, u.site_type, a.id, u.address_text, u.capacity, u.occupied, u.families, u.children, u.accessible,
            u.notes, u.period_from, u.period_to, u.person, u.phone, u.at, ST_SetSRID(ST_MakePoint(u.x, u.y), 3059)
       FROM unnest($2::text[], $3::text[], $4::bigint[], $5::text[], $6::int[], $7::int[], $8::int[], $9::int[], $10::boolean[],
                   $11::text[], $12::date[], $13::date[], $14::text[], $15::text[], $16::timestamptz[], $17::float8[], $18::float8[])
              WITH ORDINALITY AS u(name, site_type, code, address_text, capacity, occupied, families, children, accessible,
                                   notes, period_from, period_to, person, phone, at, x, y, ord)
       LEFT JOIN address a ON a.municipality_id = $1 AND a.code = u.code
      ORDER BY u.ord`,
    [
      id,
      s.map((x) => x.name),
      s.map((x) => x.siteType),
      s.map((x) => x.addressCode),
      s.map((x) => x.addressText),
      first.map((o) => o.capacity),
      first.map((o) => o.occupied),
      first.map((o) => o.families),
      first.map((o) => o.children),
      s.map((x) => x.accessible),
      s.map((x) => x.accessibilityNotes),
      s.map((x) => x.periodFrom),
      s.map((x) => x.periodTo),
      s.map((x) => x.contactPerson),
      s.map((x) => x.contactPhone),
      first.map((o) => o.at),
      s.map((x) => x.xy[0]),
      s.map((x) => x.xy[1]),
    ],
  );
  // Later occupancies as updates, so the occupancy trigger keeps each one with its date.
  const longest = Math.max(0, ...s.map((x) => x.occupancy.length));
  for (let k = 1; k < longest; k++) {
    const group = s.filter((x) => x.occupancy.length > k);
    const o = group.map((x) => x.occupancy[k]);
    await db.query(
      `UPDATE accommodation_site AS s
          SET capacity = u.capacity, occupied = u.occupied, families = u.families, children = u.children, updated_at = u.at
         FROM unnest($2::text[], $3::int[], $4::int[], $5::int[], $6::int[], $7::timestamptz[])
                AS u(name, capacity, occupied, families, children, at)
        WHERE s.municipality_id = $1 AND s.name = u.name`,
      [id, group.map((x) => x.name), o.map((x) => x.capacity), o.map((x) => x.occupied), o.map((x) => x.families), o.map((x) => x.children), o.map((x) => x.at)],
    );
  }
}

async function writeFacilities(db: Db, id: number, plan: DemoPlan) {
  const f = plan.facilities;
  await db.query(
    `INSERT INTO facility (municipality_id, category, name, address_text, opening_hours, geom)
     SELECT $1, u.category, u.name, u.address_text, u.hours, ST_SetSRID(ST_MakePoint(u.x, u.y), 3059)
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::float8[], $7::float8[])
              WITH ORDINALITY AS u(category, name, address_text, hours, x, y, ord)
      ORDER BY u.ord`,
    [id, f.map((x) => x.category), f.map((x) => x.name), f.map((x) => x.addressText), f.map((x) => x.openingHours), f.map((x) => x.xy[0]), f.map((x) => x.xy[1])],
  );
}
