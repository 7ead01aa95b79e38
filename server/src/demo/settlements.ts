import { wgs84ToLks92 } from '../geo/lks92.js';
import { roundXY, wobblyRing, type XY } from './geometry.js';
import type { DemoPlaces, ParishSpec, SettlementSpec } from './places.js';
import type { Random } from './random.js';

/** An address point as the State Address Register would hold it (type 108: building). */
export interface PlannedAddress {
  code: number;
  /** House number ("12") or house name ("Kalnieši"): the register's NOSAUKUMS. */
  name: string;
  fullAddress: string;
  postcode: string;
  /** The village or town the address is in. */
  settlement: string;
  xy: XY;
  /** The property's land parcel, 11 digits. */
  cadastre: string;
  /** Close enough to a sewer main to be connected. */
  nearSewer: boolean;
}

/** A generated street: a straight chord across its settlement. */
export interface Street {
  name: string;
  /** The settlement's main street. */
  main: boolean;
  /** Distance of the street from the settlement centre, across the street. */
  offset: number;
  /** Half the street's length; `at(t)` is defined for t in [-halfLength, halfLength]. */
  halfLength: number;
  /** Point at `t` metres along the street from its middle. */
  at(t: number): XY;
  /** Where other streets cross this one, as `t` values, with the crossing street. */
  crossings: { t: number; street: Street }[];
  /** Half-length of the stretch under which a sewer main runs, or null. */
  sewerHalfLength: number | null;
  /** Sewer built in the Soviet-era core (older, concrete/ceramic). */
  oldCore: boolean;
  /** Allocates the next land parcel designation in the street's cadastre block. */
  nextParcel(): string;
  addresses: PlannedAddress[];
}

export interface Settlement {
  spec: SettlementSpec;
  parish: ParishSpec | null;
  centre: XY;
  /** Outline of the village (or town) as a closed ring. */
  ring: XY[];
  streets: Street[];
  addresses: PlannedAddress[];
}

/** Hands out cadastre blocks per cadastre territory, so every designation is unique. */
class CadastreBlocks {
  private readonly used = new Map<string, number>();

  block(territory: string): () => string {
    const n = (this.used.get(territory) ?? 0) + 1;
    this.used.set(territory, n);
    const prefix = `${territory}${String(n).padStart(3, '0')}`;
    let parcel = 0;
    return () => `${prefix}${String(++parcel).padStart(4, '0')}`;
  }
}

const HOUSE_SETBACK_M = 16;
/** No house this close to a crossing street: that corner belongs to the other street. */
const CORNER_CLEARANCE_M = 28;

/**
 * Lays out every settlement: an outline, a slightly irregular grid of streets with Latvian
 * names, and houses along both sides (odd numbers on the left, even on the right).
 */
export function planSettlements(places: DemoPlaces, random: Random, nextAddressCode: () => number): Settlement[] {
  const blocks = new CadastreBlocks();
  return places.settlements.map((spec) => {
    const parish = spec.parish ? places.parishes.find((p) => p.name === spec.parish)! : null;
    return planSettlement(spec, parish, places, random.fork(`settlement:${spec.name}`), blocks, nextAddressCode);
  });
}

function planSettlement(
  spec: SettlementSpec,
  parish: ParishSpec | null,
  places: DemoPlaces,
  random: Random,
  blocks: CadastreBlocks,
  nextAddressCode: () => number,
): Settlement {
  const centre = roundXY(wgs84ToLks92(spec.centre));
  const R = spec.radiusM;
  const theta = random.real(0, Math.PI / 2);
  const u: XY = [Math.cos(theta), Math.sin(theta)];
  const v: XY = [-Math.sin(theta), Math.cos(theta)];
  // Both families of streets compute shared points through this one function, so a crossing
  // is the very same coordinate on both streets (sewer manholes there are shared).
  const gridPoint = (a: number, b: number): XY => [centre[0] + a * u[0] + b * v[0], centre[1] + a * u[1] + b * v[1]];
  const ring = wobblyRing(centre, R + 60, R * 0.18, [random.real(0, 6.28), random.real(0, 6.28), random.real(0, 6.28)]);

  const territory = spec.cadastreTerritory ?? parish!.cadastreTerritory;
  const sewerRadius = spec.sewer ? spec.sewer.coverage * R : 0;
  const names = random.shuffle(places.streetNames.filter((n) => n !== spec.mainStreet));
  const streets: Street[] = [];
  const makeStreet = (family: 'along' | 'across', offset: number, main: boolean): Street | null => {
    const halfLength = Math.sqrt(R * R - offset * offset);
    if (!(halfLength >= 120)) return null;
    const sewerHalf = Math.abs(offset) < sewerRadius ? Math.sqrt(sewerRadius ** 2 - offset ** 2) : 0;
    const name = main ? spec.mainStreet : names[streets.length];
    if (!name) throw new Error(`the demo street name list is too short for ${spec.name}`);
    const street: Street = {
      name,
      main,
      offset,
      halfLength,
      at: family === 'along' ? (t) => gridPoint(t, offset) : (t) => gridPoint(offset, t),
      crossings: [],
      sewerHalfLength: sewerHalf >= 60 ? sewerHalf : null,
      oldCore: Boolean(spec.sewer?.oldCore) && Math.abs(offset) < 0.4 * R,
      nextParcel: blocks.block(territory),
      addresses: [],
    };
    streets.push(street);
    return street;
  };

  // Streets "along" the settlement's main axis, every gridM metres, and sparser ones across.
  const along: Street[] = [];
  const n = Math.floor((R - 120) / spec.gridM);
  for (let k = -n; k <= n; k++) {
    const offset = k * spec.gridM + (k === 0 ? 0 : random.real(-0.12, 0.12) * spec.gridM);
    const s = makeStreet('along', offset, k === 0);
    if (s) along.push(s);
  }
  const across: Street[] = [];
  const acrossGrid = spec.gridM * 1.7;
  const m = Math.floor((R - 120) / acrossGrid);
  for (let j = -m; j <= m; j++) {
    if (j !== 0 && !random.chance(0.7)) continue;
    const offset = j * acrossGrid + (j === 0 ? 0 : random.real(-0.12, 0.12) * acrossGrid);
    const s = makeStreet('across', offset, false);
    if (s) across.push(s);
  }
  for (const a of along) {
    for (const b of across) {
      if (a.offset ** 2 + b.offset ** 2 >= R * R) continue;
      a.crossings.push({ t: b.offset, street: b });
      b.crossings.push({ t: a.offset, street: a });
    }
  }

  const houseNames = random.shuffle(places.houseNames);
  const addresses: PlannedAddress[] = [];
  const settlementPart = spec.kind === 'town' ? spec.name : `${spec.name}, ${parish!.shortName}`;
  const tail = `${settlementPart}, ${places.municipality.shortName}, ${spec.postcode}`;
  for (const street of streets) {
    const isAlong = along.includes(street);
    // Left of the direction of travel: odd numbers; right: even, as in Latvian numbering.
    const left: XY = isAlong ? v : [-u[0], -u[1]];
    for (const side of [1, -1] as const) {
      let number = side === 1 ? 1 : 2;
      let t = -street.halfLength + 18 + random.real(0, spec.houseSpacingM / 2);
      for (; t < street.halfLength - 18; t += spec.houseSpacingM + random.real(-3, 3)) {
        if (street.crossings.some((c) => Math.abs(c.t - t) < CORNER_CLEARANCE_M)) continue;
        const onStreet = street.at(t);
        const setback = side * (HOUSE_SETBACK_M + random.real(-2, 2));
        const xy = roundXY([onStreet[0] + left[0] * setback, onStreet[1] + left[1] * setback]);
        const named = spec.namedHouses > 0 && houseNames.length > 0 && random.chance(spec.namedHouses);
        const name = named ? houseNames.pop()! : String(number);
        const address: PlannedAddress = {
          code: nextAddressCode(),
          name,
          fullAddress: named ? `${name}, ${tail}` : `${street.name} ${name}, ${tail}`,
          postcode: spec.postcode,
          settlement: spec.name,
          xy,
          cadastre: street.nextParcel(),
          nearSewer: street.sewerHalfLength !== null && Math.abs(t) <= street.sewerHalfLength + 5,
        };
        number += 2;
        street.addresses.push(address);
        addresses.push(address);
      }
    }
  }
  return { spec, parish, centre, ring, streets, addresses };
}
