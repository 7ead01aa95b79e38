import { wgs84ToLks92 } from '../geo/lks92.js';
import { planAccommodationSites, type PlannedAccommodationSite } from './accommodation.js';
import { planFacilities, type PlannedFacility } from './facilities.js';
import { roundXY, type XY } from './geometry.js';
import { FakePeople } from './people.js';
import { loadDemoPlaces, type DemoPlaces } from './places.js';
import { createRandom } from './random.js';
import { planSettlements, type PlannedAddress } from './settlements.js';
import { planSewerConnections, planSewerNetwork, type PlannedManhole, type PlannedSewerConnection, type PlannedSewerMain } from './sewer.js';
import { planStreetTransfers, type PlannedStreetTransfer } from './streetTransfers.js';

export interface DemoPlanOptions {
  /** Seed of the random generator; the same seed and `asOf` give the same data. */
  seed?: string;
  /** The day the history ends; it covers the three years before. Defaults to today (UTC). */
  asOf?: Date;
  places?: DemoPlaces;
}

export interface PlannedUnit {
  kind: 'town' | 'parish' | 'village';
  name: string;
  atvkCode: string;
  /** A village's parish. */
  parent: string | null;
  /** A town's or village's own outline. */
  ring: XY[] | null;
  /** A parish's rough area, cut to the municipality; null for the parish that takes the rest. */
  region: XY[] | null;
}

/** Everything the demo municipality holds, computed in memory before a single row is written. */
export interface DemoPlan {
  seed: string;
  asOf: Date;
  windowStart: Date;
  municipality: { code: string; name: string; nameEn: string; atvkCode: string; boundary: XY[] };
  sewerOperator: string;
  /** Towns first, then parishes (the rest-of-the-municipality parish last), then villages. */
  units: PlannedUnit[];
  addresses: PlannedAddress[];
  sewerMains: PlannedSewerMain[];
  manholes: PlannedManhole[];
  sewerConnections: PlannedSewerConnection[];
  streetTransfers: PlannedStreetTransfer[];
  accommodationSites: PlannedAccommodationSite[];
  facilities: PlannedFacility[];
}

export const DEFAULT_DEMO_SEED = 'marupe-demo-v1';

/** First address code of the demo: nine digits like the register's, in a range of its own. */
const FIRST_ADDRESS_CODE = 105_100_001;

const toXY = (ring: [number, number][]): XY[] => ring.map((p) => roundXY(wgs84ToLks92(p)));

/** Today at 00:00 UTC: the default end of the demo history. */
export function startOfTodayUtc(now = new Date()): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

/**
 * Builds the demo municipality deterministically: a pure function of the seed, `asOf` and the
 * static places file, so tests can compare two runs and the writer only has to bulk-insert.
 */
export function buildDemoPlan(opts: DemoPlanOptions = {}): DemoPlan {
  const seed = opts.seed ?? DEFAULT_DEMO_SEED;
  const asOf = opts.asOf ?? startOfTodayUtc();
  const windowStart = new Date(Date.UTC(asOf.getUTCFullYear() - 3, asOf.getUTCMonth(), asOf.getUTCDate()));
  const window = { start: windowStart, asOf };
  const places = opts.places ?? loadDemoPlaces();
  const random = createRandom(seed);
  const people = new FakePeople(places.people, random.fork('people'));

  let code = FIRST_ADDRESS_CODE;
  const settlements = planSettlements(places, random, () => code++);
  const units: PlannedUnit[] = [
    ...settlements
      .filter((s) => s.spec.kind === 'town')
      .map((s): PlannedUnit => ({ kind: 'town', name: s.spec.name, atvkCode: s.spec.atvkCode, parent: null, ring: s.ring, region: null })),
    ...[...places.parishes]
      .sort((a, b) => Number(a.region === null) - Number(b.region === null))
      .map((p): PlannedUnit => ({ kind: 'parish', name: p.name, atvkCode: p.atvkCode, parent: null, ring: null, region: p.region && toXY(p.region) })),
    ...settlements
      .filter((s) => s.spec.kind === 'village')
      .map((s): PlannedUnit => ({ kind: 'village', name: s.spec.name, atvkCode: s.spec.atvkCode, parent: s.spec.parish, ring: s.ring, region: null })),
  ];
  const network = planSewerNetwork(settlements, random);
  return {
    seed,
    asOf,
    windowStart,
    municipality: {
      code: places.municipality.code,
      name: places.municipality.name,
      nameEn: places.municipality.nameEn,
      atvkCode: places.municipality.atvkCode,
      boundary: toXY(places.municipality.boundary),
    },
    sewerOperator: places.sewerOperator,
    units,
    addresses: settlements.flatMap((s) => s.addresses),
    sewerMains: network.mains,
    manholes: network.manholes,
    sewerConnections: planSewerConnections(settlements, random, window),
    streetTransfers: planStreetTransfers(settlements, random, people, window),
    accommodationSites: planAccommodationSites(settlements, random, people, window),
    facilities: planFacilities(settlements, places, random, people),
  };
}
