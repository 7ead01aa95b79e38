import { readFileSync } from 'node:fs';
import path from 'node:path';
import { rootDir } from '../config.js';

/** WGS-84 longitude/latitude, as written in `data/demo/marupe.json`. */
export type LonLat = [number, number];

export interface ParishSpec {
  name: string;
  /** Short form used in addresses: "Babītes pag.". */
  shortName: string;
  atvkCode: string;
  /** First four digits of the cadastre designations of parcels in the parish. */
  cadastreTerritory: string;
  /** Rough area that, cut by the municipality boundary, makes the parish; null: the rest. */
  region: LonLat[] | null;
}

export interface SettlementSpec {
  name: string;
  kind: 'town' | 'village';
  /** The parish a village lies in; a town is a unit of its own. */
  parish: string | null;
  atvkCode: string;
  /** Towns carry their own cadastre territory; villages use their parish's. */
  cadastreTerritory?: string;
  /** "Jaunmārupes", for names such as "Jaunmārupes pamatskola". */
  genitive: string;
  postcode: string;
  centre: LonLat;
  /** Radius of the built-up area the streets fill. */
  radiusM: number;
  /** Distance between parallel streets. */
  gridM: number;
  /** Distance between houses along a street. */
  houseSpacingM: number;
  mainStreet: string;
  /** Share of the radius covered by the sewer network, and where its pressure main leads. */
  sewer: { coverage: number; oldCore?: boolean; pressureTo?: string } | null;
  /** Whether new private streets (to be donated to the municipality) lie here. */
  privateStreets: boolean;
  /** Share of houses known by a name ("Kalnieši") rather than a street number. */
  namedHouses: number;
}

/** Static inputs of the demo generator: place names, rough shapes, name lists. */
export interface DemoPlaces {
  municipality: { code: string; name: string; nameEn: string; shortName: string; atvkCode: string; boundary: LonLat[] };
  parishes: ParishSpec[];
  settlements: SettlementSpec[];
  streetNames: string[];
  houseNames: string[];
  people: { maleFirst: string[]; femaleFirst: string[]; lastNames: [string, string][]; companies: string[] };
  facilities: {
    school: [string, string][];
    kindergarten: [string, string][];
    shop: [string, string][];
    aid_point: [string, string][];
    familyDoctorsPerSettlement: Record<string, number>;
  };
  sewerOperator: string;
}

export const demoPlacesFile = path.join(rootDir, 'data/demo/marupe.json');

/** Reads the demo inputs and checks the cross-references the generator relies on. */
export function loadDemoPlaces(file = demoPlacesFile): DemoPlaces {
  let places: DemoPlaces;
  try {
    places = JSON.parse(readFileSync(file, 'utf8')) as DemoPlaces;
  } catch (cause) {
    throw new Error(`reading the demo places from ${file}`, { cause });
  }
  const parishes = new Set(places.parishes.map((p) => p.name));
  const settlements = new Set(places.settlements.map((s) => s.name));
  for (const s of places.settlements) {
    if (s.kind === 'village' && !parishes.has(s.parish ?? '')) {
      throw new Error(`demo village ${s.name} names an unknown parish "${s.parish}"`);
    }
    if (s.kind === 'town' && !s.cadastreTerritory) throw new Error(`demo town ${s.name} has no cadastreTerritory`);
    if (s.sewer?.pressureTo && !settlements.has(s.sewer.pressureTo)) {
      throw new Error(`demo village ${s.name} sends sewage to an unknown settlement "${s.sewer.pressureTo}"`);
    }
  }
  if (places.parishes.filter((p) => p.region === null).length !== 1) {
    throw new Error('exactly one demo parish must take the rest of the municipality (region: null)');
  }
  return places;
}
