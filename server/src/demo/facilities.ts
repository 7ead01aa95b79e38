import { roundXY, type XY } from './geometry.js';
import type { FakePeople } from './people.js';
import type { DemoPlaces } from './places.js';
import type { Random } from './random.js';
import type { PlannedAddress, Settlement } from './settlements.js';

export type FacilityCategory = 'school' | 'kindergarten' | 'family_doctor' | 'shop' | 'bus_stop' | 'aid_point';

export interface PlannedFacility {
  category: FacilityCategory;
  name: string;
  addressText: string | null;
  openingHours: string | null;
  xy: XY;
}

const OPENING_HOURS: Record<Exclude<FacilityCategory, 'bus_stop'>, string[]> = {
  school: ['P–Pk 8:00–17:00'],
  kindergarten: ['P–Pk 7:00–19:00'],
  family_doctor: ['P, T, C 8:00–13:00; O, Pk 13:00–18:00', 'P–Pk 9:00–16:00'],
  shop: ['P–Sv 8:00–22:00', 'P–Sv 9:00–21:00', 'P–S 8:00–20:00, Sv 9:00–18:00'],
  aid_point: ['O, C 10:00–16:00', 'P, T, Pk 12:00–18:00'],
};

/** Metres between bus stops along a settlement's main streets. */
const BUS_STOP_SPACING_M = 450;

/**
 * The auxiliary points of the accommodation map: schools, kindergartens, family doctors and
 * shops at demo addresses, aid points, and bus stops along each settlement's main streets.
 */
export function planFacilities(settlements: Settlement[], places: DemoPlaces, random: Random, people: FakePeople): PlannedFacility[] {
  const rng = random.fork('facilities');
  const used = new Set<number>();
  const bySettlement = (name: string) => {
    const s = settlements.find((x) => x.spec.name === name);
    if (!s) throw new Error(`a demo facility names an unknown settlement ${name}`);
    return s;
  };
  const at = (category: Exclude<FacilityCategory, 'bus_stop'>, name: string, settlement: Settlement): PlannedFacility => {
    const address = freeAddress(settlement, used, rng);
    return {
      category,
      name,
      addressText: address.fullAddress,
      openingHours: rng.pick(OPENING_HOURS[category]),
      xy: roundXY([address.xy[0] + rng.real(-4, 4), address.xy[1] + rng.real(-4, 4)]),
    };
  };

  const out: PlannedFacility[] = [];
  for (const category of ['school', 'kindergarten', 'shop', 'aid_point'] as const) {
    for (const [name, settlement] of places.facilities[category]) {
      const s = bySettlement(settlement);
      const shown = category === 'shop' && !name.includes(' ') ? `${name} ${s.spec.name}` : name;
      out.push(at(category, shown, s));
    }
  }
  for (const [settlement, count] of Object.entries(places.facilities.familyDoctorsPerSettlement)) {
    const s = bySettlement(settlement);
    for (let i = 0; i < count; i++) out.push(at('family_doctor', `Ģimenes ārsta prakse, Dr. ${people.person()}`, s));
  }
  out.push(...planBusStops(settlements));
  return out;
}

function freeAddress(settlement: Settlement, used: Set<number>, rng: Random): PlannedAddress {
  const free = settlement.addresses.filter((a) => !used.has(a.code) && /^\d/.test(a.name));
  if (free.length === 0) throw new Error(`no free demo address left in ${settlement.spec.name}`);
  const address = rng.pick(free);
  used.add(address.code);
  return address;
}

/** Stops every 450 m on the main street and the first cross street, on the right-hand side. */
function planBusStops(settlements: Settlement[]): PlannedFacility[] {
  const names = new Set<string>();
  const out: PlannedFacility[] = [];
  for (const settlement of settlements) {
    const routes = settlement.streets.filter((s) => s.main || s.offset === 0);
    const stops: { t: number; street: (typeof routes)[number] }[] = [];
    for (const street of routes) {
      for (let t = -street.halfLength + 100; t < street.halfLength - 60; t += BUS_STOP_SPACING_M) stops.push({ t, street });
    }
    stops.sort((a, b) => Math.abs(a.t) - Math.abs(b.t));
    stops.forEach(({ t, street }, i) => {
      // The stop nearest the centre carries the village's name, as it does on timetables;
      // the others are named after the nearest cross street.
      const cross = street.crossings.reduce<(typeof street.crossings)[number] | undefined>(
        (best, c) => (!best || Math.abs(c.t - t) < Math.abs(best.t - t) ? c : best),
        undefined,
      );
      let name = i === 0 ? settlement.spec.name : (cross?.street.name ?? street.name);
      if (names.has(name)) name = `${settlement.spec.name}, ${street.name}`;
      for (let n = 2; names.has(name); n++) name = `${settlement.spec.name}, ${street.name} ${n}`;
      names.add(name);
      const p = street.at(t);
      const q = street.at(t + 1);
      // 9 m to the right of the carriageway centre.
      out.push({ category: 'bus_stop', name, addressText: null, openingHours: null, xy: roundXY([p[0] + (q[1] - p[1]) * 9, p[1] - (q[0] - p[0]) * 9]) });
    });
  }
  return out;
}
