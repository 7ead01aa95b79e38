import { distance, roundXY, type XY } from './geometry.js';
import type { Random } from './random.js';
import type { Settlement, Street } from './settlements.js';
import { pipelineDates, type StatusStep } from './timeline.js';

export interface PlannedSewerMain {
  kind: 'gravity' | 'pressure';
  diameterMm: number;
  material: string;
  yearBuilt: number;
  points: XY[];
}

export interface PlannedManhole {
  code: string;
  depthM: number;
  xy: XY;
}

export interface PlannedSewerConnection {
  addressCode: number;
  cadastre: string;
  /** From `not_connected` (the survey that created the record) to the current status. */
  steps: StatusStep[];
  cofinancingEur: number | null;
  populationEquivalent: number;
  /** Treatment before connection; cleared by the writer when the property gets connected. */
  treatment: 'cesspool' | 'septic' | 'none' | 'other';
  note: string | null;
}

/** Longest gravity pipe between two manholes. */
const MAX_SEGMENT_M = 75;

/** ASCII letters for manhole codes: "Jaunmārupe" → "JAU". */
const codePrefix = (name: string) =>
  name
    .normalize('NFD')
    .replace(/[^A-Za-z]/g, '')
    .slice(0, 3)
    .toUpperCase();

/**
 * The sewer network of the sewered settlements: gravity mains under streets, split at
 * manholes (at crossings and at most every 75 m), and pressure mains that carry a village's
 * sewage to a bigger network.
 */
export function planSewerNetwork(
  settlements: Settlement[],
  random: Random,
): { mains: PlannedSewerMain[]; manholes: PlannedManhole[] } {
  const mains: PlannedSewerMain[] = [];
  const manholes: PlannedManhole[] = [];
  const manholesBySettlement = new Map<string, XY[]>();
  for (const settlement of settlements) {
    if (!settlement.spec.sewer) continue;
    const rng = random.fork(`sewer:${settlement.spec.name}`);
    const points = new Map<string, XY>();
    for (const street of settlement.streets) {
      if (street.sewerHalfLength === null) continue;
      const stations = gravityStations(street);
      const { material, yearBuilt, diameterMm } = pipeOf(street, rng);
      for (let i = 0; i + 1 < stations.length; i++) {
        const a = roundXY(street.at(stations[i]));
        const b = roundXY(street.at(stations[i + 1]));
        mains.push({ kind: 'gravity', diameterMm, material, yearBuilt, points: [a, b] });
      }
      for (const t of stations) {
        const xy = roundXY(street.at(t));
        points.set(`${xy[0]} ${xy[1]}`, xy);
      }
    }
    const prefix = codePrefix(settlement.spec.name);
    const list = [...points.values()];
    list.forEach((xy, i) => {
      manholes.push({ code: `${prefix}-${String(i + 1).padStart(4, '0')}`, depthM: rng.int(140, 380) / 100, xy });
    });
    manholesBySettlement.set(settlement.spec.name, list);
  }

  for (const settlement of settlements) {
    const target = settlement.spec.sewer?.pressureTo;
    if (!target) continue;
    const rng = random.fork(`pressure:${settlement.spec.name}`);
    const to = settlements.find((s) => s.spec.name === target)!;
    const start = nearest(manholesBySettlement.get(settlement.spec.name) ?? [], to.centre);
    const end = nearest(manholesBySettlement.get(target) ?? [], settlement.centre);
    if (!start || !end) continue;
    // Two bends, as a pressure main follows field edges and roads rather than a ruler.
    const bend = (f: number): XY => {
      const along: XY = [start[0] + (end[0] - start[0]) * f, start[1] + (end[1] - start[1]) * f];
      const len = distance(start, end);
      const side = rng.real(-0.05, 0.05) * len;
      return roundXY([along[0] - ((end[1] - start[1]) / len) * side, along[1] + ((end[0] - start[0]) / len) * side]);
    };
    mains.push({
      kind: 'pressure',
      diameterMm: rng.pick([110, 160]),
      material: 'PE',
      yearBuilt: rng.int(2008, 2020),
      points: [start, bend(1 / 3), bend(2 / 3), end],
    });
  }
  return { mains, manholes };
}

/** Manhole positions along a street's sewer: both ends, crossings with other sewers, fill-ins. */
function gravityStations(street: Street): number[] {
  const h = street.sewerHalfLength!;
  const cuts = [-h, h];
  for (const c of street.crossings) {
    const other = c.street.sewerHalfLength;
    if (Math.abs(c.t) < h && other !== null && Math.abs(street.offset) <= other) cuts.push(c.t);
  }
  cuts.sort((a, b) => a - b);
  const stations: number[] = [];
  for (let i = 0; i < cuts.length; i++) {
    if (i > 0) {
      const gap = cuts[i] - cuts[i - 1];
      if (gap < 5) continue;
      const pieces = Math.ceil(gap / MAX_SEGMENT_M);
      for (let p = 1; p < pieces; p++) stations.push(cuts[i - 1] + (gap * p) / pieces);
    }
    stations.push(cuts[i]);
  }
  return stations;
}

function pipeOf(street: Street, rng: Random) {
  if (street.oldCore) {
    return {
      material: rng.pick(['concrete', 'ceramic']),
      yearBuilt: rng.int(1972, 1991),
      diameterMm: street.main ? rng.pick([300, 400]) : 250,
    };
  }
  return {
    material: rng.pick(['PVC', 'PVC', 'PP']),
    yearBuilt: rng.int(2006, 2024),
    diameterMm: street.main ? 250 : rng.pick([160, 200, 200]),
  };
}

function nearest(points: XY[], to: XY): XY | undefined {
  let best: XY | undefined;
  for (const p of points) if (!best || distance(p, to) < distance(best, to)) best = p;
  return best;
}

const SEWER_PIPELINE = ['not_connected', 'applied', 'technical_conditions', 'construction', 'connected'];
/** Days between consecutive statuses of SEWER_PIPELINE. */
const SEWER_GAPS: [number, number][] = [
  [60, 400],
  [14, 60],
  [30, 240],
  [14, 120],
];
const REFUSAL_GAP: [number, number] = [10, 90];

const refusalNotes = [
  'Tehniski nav iespējams pieslēgties pašteces tīklam',
  'Īpašnieks atsauca pieteikumu',
  'Trase nav saskaņota ar kaimiņa zemes īpašnieku',
];

/**
 * A connection record for every property near a main, in every status, each with the dates it
 * passed through the pipeline during the three-year window.
 */
export function planSewerConnections(
  settlements: Settlement[],
  random: Random,
  window: { start: Date; asOf: Date },
): PlannedSewerConnection[] {
  const rng = random.fork('sewer-connections');
  const out: PlannedSewerConnection[] = [];
  for (const settlement of settlements) {
    for (const address of settlement.addresses) {
      if (!address.nearSewer) continue;
      const final = rng.weighted({
        connected: 45,
        not_connected: 22,
        applied: 9,
        technical_conditions: 8,
        construction: 8,
        refused: 8,
      });
      let path: string[];
      let gaps: [number, number][];
      if (final === 'refused') {
        const reached = rng.chance(0.5) ? 2 : 3; // refused after the application or after the conditions
        path = [...SEWER_PIPELINE.slice(0, reached), 'refused'];
        gaps = [...SEWER_GAPS.slice(0, reached - 1), REFUSAL_GAP];
      } else {
        path = SEWER_PIPELINE.slice(0, SEWER_PIPELINE.indexOf(final) + 1);
        gaps = SEWER_GAPS;
      }
      const steps = pipelineDates(rng, path, gaps, window, final === 'connected' || final === 'refused');
      const funded = (final === 'construction' || final === 'connected') && rng.chance(0.5);
      const appliedYear = steps[1]?.at.slice(0, 4);
      out.push({
        addressCode: address.code,
        cadastre: address.cadastre,
        steps,
        cofinancingEur: funded ? rng.int(300, 1500) + rng.int(0, 99) / 100 : null,
        populationEquivalent: rng.int(2, 12) / 2,
        treatment: rng.weighted({ cesspool: 55, septic: 30, none: 10, other: 5 }),
        note: final === 'refused' ? rng.pick(refusalNotes) : funded ? `Līdzfinansējuma programma ${appliedYear}` : null,
      });
    }
  }
  return out;
}
