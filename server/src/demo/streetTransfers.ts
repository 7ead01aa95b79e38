import { distance, roundXY, segmentRectangle, type XY } from './geometry.js';
import type { FakePeople } from './people.js';
import type { Random } from './random.js';
import type { Settlement, Street } from './settlements.js';
import { pipelineDates, type StatusStep } from './timeline.js';

export interface PlannedStreetTransfer {
  cadastre: string;
  streetName: string;
  lengthM: number;
  widthM: number;
  surface: 'asphalt' | 'gravel' | 'paving' | 'soil' | 'other';
  /** From `application` to the current status. */
  steps: StatusStep[];
  /** Set when the council decided (the step leaving `council_decision`). */
  decision: { number: string; date: string; stepIndex: number } | null;
  yearlyMaintenanceEur: number;
  ownerName: string;
  note: string | null;
  ring: XY[];
}

/** The transfer pipeline in order, then its dead end; as in sql/migrations/0004. */
export const TRANSFER_STATUSES = [
  'application',
  'document_check',
  'inspection',
  'council_decision',
  'land_register',
  'accepted',
  'rejected',
] as const;

const PIPELINE = TRANSFER_STATUSES.slice(0, 6) as string[];
/** Days between consecutive statuses of PIPELINE. */
const GAPS: [number, number][] = [
  [7, 45],
  [14, 90],
  [14, 120],
  [14, 60],
  [30, 150],
];
const REJECTION_GAP: [number, number] = [7, 60];

/** Yearly upkeep per square metre (grading, snow, patching): what taking a street over costs. */
const MAINTENANCE_EUR_PER_M2: Record<PlannedStreetTransfer['surface'], number> = {
  asphalt: 0.9,
  paving: 0.8,
  gravel: 1.1,
  soil: 0.7,
  other: 1.0,
};

/** Gap left at a crossing, wider than half of any street parcel, so parcels never overlap. */
const CROSSING_CLEARANCE_M = 7;

const rejectionNotes = [
  'Ielas platums neatbilst teritorijas plānojumam',
  'Nav sakārtoti zemesgrāmatas dati',
  'Ielai ir apgrūtinājumi par labu trešajām personām',
];

/**
 * Private street parcels in new housing areas, `perStatus` in each transfer status, placed on
 * streets without a sewer (new areas are typically not yet on the network).
 */
export function planStreetTransfers(
  settlements: Settlement[],
  random: Random,
  people: FakePeople,
  window: { start: Date; asOf: Date },
  perStatus = 9,
): PlannedStreetTransfer[] {
  const rng = random.fork('street-transfers');
  const streets = settlements.filter((s) => s.spec.privateStreets).flatMap((s) => s.streets.filter((st) => !st.main));
  // New private streets are mostly outside the sewered core; take those first.
  const candidates: Street[] = [
    ...rng.shuffle(streets.filter((st) => st.sewerHalfLength === null)),
    ...rng.shuffle(streets.filter((st) => st.sewerHalfLength !== null)),
  ];
  const statuses = rng.shuffle(TRANSFER_STATUSES.flatMap((s) => Array<string>(perStatus).fill(s)));
  const parcels: { street: Street; a: XY; b: XY }[] = [];
  for (const street of candidates) {
    // A street parcel ends where the crossing street's parcel begins: one parcel per block.
    const cuts = [-street.halfLength, ...street.crossings.map((c) => c.t).sort((x, y) => x - y), street.halfLength];
    // One to three blocks per street, so the parcels spread over many streets and villages.
    let blocksLeft = rng.int(1, 3);
    for (let i = 0; i + 1 < cuts.length && parcels.length < statuses.length && blocksLeft > 0; i++) {
      const from = cuts[i] + CROSSING_CLEARANCE_M;
      const to = cuts[i + 1] - CROSSING_CLEARANCE_M;
      if (to - from < 60) continue;
      parcels.push({ street, a: roundXY(street.at(from)), b: roundXY(street.at(to)) });
      blocksLeft--;
    }
    if (parcels.length >= statuses.length) break;
  }
  if (parcels.length < statuses.length) {
    throw new Error(`only ${parcels.length} private street parcels fit the demo streets; ${statuses.length} are needed`);
  }

  const transfers = parcels.map(({ street, a, b }, i): PlannedStreetTransfer => {
    const final = statuses[i];
    let path: string[];
    let gaps: [number, number][];
    if (final === 'rejected') {
      const reached = rng.int(2, 4); // rejected at document check, inspection or council decision
      path = [...PIPELINE.slice(0, reached), 'rejected'];
      gaps = [...GAPS.slice(0, reached - 1), REJECTION_GAP];
    } else {
      path = PIPELINE.slice(0, PIPELINE.indexOf(final) + 1);
      gaps = GAPS;
    }
    const steps = pipelineDates(rng, path, gaps, window, final === 'accepted' || final === 'rejected');
    const decided = path.indexOf('council_decision');
    const decisionStep = decided >= 0 && decided + 1 < path.length ? decided + 1 : -1;
    const widthM = rng.pick([6, 8, 9, 10, 12]);
    const lengthM = Math.round(distance(a, b) * 10) / 10;
    const surface = rng.weighted({ asphalt: 25, gravel: 45, paving: 10, soil: 15, other: 5 });
    return {
      cadastre: street.nextParcel(),
      streetName: street.name,
      lengthM,
      widthM,
      surface,
      steps,
      decision: decisionStep >= 0 ? { number: '', date: steps[decisionStep].at.slice(0, 10), stepIndex: decisionStep } : null,
      yearlyMaintenanceEur: Math.round(lengthM * widthM * MAINTENANCE_EUR_PER_M2[surface] * 100) / 100,
      ownerName: people.owner(),
      note: final === 'rejected' ? rng.pick(rejectionNotes) : null,
      ring: segmentRectangle(a, b, widthM),
    };
  });
  numberDecisions(transfers);
  return transfers;
}

/** Council decisions are numbered per year in date order: "7/2025". */
function numberDecisions(transfers: PlannedStreetTransfer[]) {
  const decided = transfers.filter((t) => t.decision).sort((x, y) => x.decision!.date.localeCompare(y.decision!.date));
  const perYear = new Map<string, number>();
  for (const t of decided) {
    const year = t.decision!.date.slice(0, 4);
    const n = (perYear.get(year) ?? 0) + 1;
    perYear.set(year, n);
    t.decision!.number = `${n}/${year}`;
  }
}
