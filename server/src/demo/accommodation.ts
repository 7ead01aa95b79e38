import type { XY } from './geometry.js';
import type { FakePeople } from './people.js';
import type { Random } from './random.js';
import type { PlannedAddress, Settlement } from './settlements.js';

type SiteType = 'municipal' | 'hotel' | 'dormitory' | 'private_house' | 'apartment' | 'other';

/** Occupancy at one moment; the first is the insert, the rest are updates recorded as history. */
export interface Occupancy {
  at: string;
  capacity: number;
  occupied: number;
  families: number;
  children: number;
}

export interface PlannedAccommodationSite {
  name: string;
  siteType: SiteType;
  addressCode: number;
  addressText: string;
  accessible: boolean;
  accessibilityNotes: string | null;
  periodFrom: string;
  periodTo: string | null;
  contactPerson: string;
  contactPhone: string;
  occupancy: Occupancy[];
  xy: XY;
}

/** How many sites of each type, and their usual number of places. */
const SITE_TYPES: [SiteType, number, [number, number]][] = [
  ['municipal', 5, [15, 60]],
  ['hotel', 3, [30, 120]],
  ['dormitory', 3, [30, 90]],
  ['private_house', 6, [4, 12]],
  ['apartment', 5, [2, 6]],
  ['other', 2, [8, 30]],
];

/** Where the sites are: mostly in the town, a few in the larger villages. */
const SITES_PER_SETTLEMENT: Record<string, number> = {
  Mārupe: 10,
  Jaunmārupe: 3,
  Piņķi: 3,
  Tīraine: 2,
  Babīte: 2,
  Skulte: 1,
  Spuņciems: 1,
  Vētras: 1,
  Sēbrupe: 1,
};

const accessibilityNotes = ['Uzbrauktuve pie ieejas, istabas 1. stāvā', 'Lifts, pielāgota sanitārā telpa', 'Bez sliekšņiem, 1. stāvs'];
const hotelWords = ['Lidosta', 'Pie Mārupītes', 'Ozolkalns', 'Baltā Māja', 'Rietumi'];

const DAY = 86_400_000;
const STEPS = 10;

/**
 * Accommodation of Ukrainian civilians: sites at real demo addresses, each with an occupancy
 * that changes a few times in the window (some sites close and empty), so there is history.
 */
export function planAccommodationSites(
  settlements: Settlement[],
  random: Random,
  people: FakePeople,
  window: { start: Date; asOf: Date },
): PlannedAccommodationSite[] {
  const rng = random.fork('accommodation');
  const types = rng.shuffle(SITE_TYPES.flatMap(([type, count, range]) => Array.from({ length: count }, () => ({ type, range }))));
  const homes = Object.entries(SITES_PER_SETTLEMENT).flatMap(([name, count]) => {
    const settlement = settlements.find((s) => s.spec.name === name);
    if (!settlement) throw new Error(`accommodation is planned in an unknown demo settlement ${name}`);
    const numbered = settlement.addresses.filter((a) => /^\d/.test(a.name));
    return rng.shuffle(numbered).slice(0, count).map((address) => ({ settlement, address }));
  });
  if (homes.length !== types.length) throw new Error('accommodation sites and their addresses do not match up');

  const names = new Set<string>();
  const start = window.start.getTime();
  const span = window.asOf.getTime() - start;
  return homes.map(({ settlement, address }, i) => {
    const { type, range } = types[i];
    const capacity = rng.int(range[0], range[1]);
    const name = uniqueName(siteName(type, settlement, address, rng), names);
    // Opened in the first war months or later; history starts when the window does.
    const periodFrom = new Date(Date.UTC(2022, 2, 1) + rng.int(0, 600) * DAY);
    const firstAt = Math.max(periodFrom.getTime(), start + DAY) + rng.int(7, 15) * 3_600_000;
    let closesAt: number | null = rng.chance(0.2) ? Math.floor((start + rng.real(0.4, 0.95) * span) / DAY) * DAY + 12 * 3_600_000 : null;
    if (closesAt !== null && closesAt <= firstAt + DAY) closesAt = null;
    const occupancy: Occupancy[] = [occupancyAt(new Date(firstAt).toISOString(), capacity, rng.real(0.5, 1), rng)];
    for (let step = 1; step <= STEPS; step++) {
      const day = Math.floor((start + (step / (STEPS + 1)) * span) / DAY) + rng.int(-5, 5);
      const at = day * DAY + rng.int(7, 15) * 3_600_000;
      if (at <= firstAt) continue;
      const previous = occupancy[occupancy.length - 1];
      if (closesAt !== null && at > closesAt) {
        if (previous.occupied > 0) occupancy.push({ at: new Date(closesAt).toISOString(), capacity, occupied: 0, families: 0, children: 0 });
        break;
      }
      if (!rng.chance(0.6)) continue;
      const change = rng.int(-Math.ceil(capacity * 0.25), Math.ceil(capacity * 0.2));
      const occupied = Math.min(capacity, Math.max(0, previous.occupied + change));
      if (occupied !== previous.occupied) occupancy.push(occupancyAt(new Date(at).toISOString(), capacity, occupied / capacity, rng));
    }
    const accessible = rng.chance(0.35);
    return {
      name,
      siteType: type,
      addressCode: address.code,
      addressText: address.fullAddress,
      accessible,
      accessibilityNotes: accessible ? rng.pick(accessibilityNotes) : null,
      periodFrom: periodFrom.toISOString().slice(0, 10),
      periodTo: closesAt !== null ? new Date(closesAt).toISOString().slice(0, 10) : null,
      contactPerson: people.person(),
      contactPhone: people.phone(),
      occupancy,
      xy: address.xy,
    };
  });
}

function occupancyAt(at: string, capacity: number, share: number, rng: Random): Occupancy {
  const occupied = Math.min(capacity, Math.round(capacity * share));
  if (occupied === 0) return { at, capacity, occupied, families: 0, children: 0 };
  return {
    at,
    capacity,
    occupied,
    families: Math.max(1, Math.round(occupied / rng.real(2.2, 3.2))),
    children: Math.round(occupied * rng.real(0.25, 0.45)),
  };
}

function siteName(type: SiteType, settlement: Settlement, address: PlannedAddress, rng: Random): string {
  const gen = settlement.spec.genitive;
  const street = address.fullAddress.split(',')[0];
  switch (type) {
    case 'municipal':
      return rng.pick([`${gen} sociālā māja`, `${gen} pašvaldības dzīvokļi`, `${gen} kultūras nama telpas`]);
    case 'hotel':
      return `Viesnīca “${rng.pick(hotelWords)}”`;
    case 'dormitory':
      return `${gen} dienesta viesnīca`;
    case 'private_house':
      return `Privātmāja, ${street}`;
    case 'apartment':
      return `Dzīvoklis, ${street}`;
    case 'other':
      return rng.pick([`Viesu nams, ${street}`, `${gen} sporta centra telpas`]);
  }
}

function uniqueName(name: string, used: Set<string>): string {
  let candidate = name;
  for (let n = 2; used.has(candidate); n++) candidate = `${name} (${n})`;
  used.add(candidate);
  return candidate;
}
