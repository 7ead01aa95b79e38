/**
 * Cadastre designations (kadastra apzīmējumi) as people type them: digits, often grouped with
 * spaces ("8076 004 0001"). 11 digits name a land parcel, 14 a building (parcel + 3), 17 a
 * premises group (building + 3).
 */

export type CadastreKind = 'parcel' | 'building' | 'premises';

export interface CadastreDesignation {
  /** The designation without spaces. */
  digits: string;
  kind: CadastreKind;
  /** The land parcel it lies on: the first 11 digits. */
  parcel: string;
  /** The designations to look up, the designation itself first, then the building and the parcel. */
  lookups: string[];
}

export const CADASTRE_HINT = 'A cadastre designation has 11, 14 or 17 digits';

const KINDS: Record<number, CadastreKind> = { 11: 'parcel', 14: 'building', 17: 'premises' };

/** Shortest digit string that is taken for a mistyped designation rather than, say, a house number. */
const LOOKS_LIKE_MIN = 9;
const LOOKS_LIKE_MAX = 20;

/**
 * Reads a cadastre designation from a search query.
 * @param query the search text
 * @returns the designation, `{ hint }` when the query is a run of digits of the wrong length, or
 *   undefined when it is not a designation at all
 * @example parseCadastre('8076 004 0001') // → { digits: '80760040001', kind: 'parcel', … }
 */
export function parseCadastre(query: string): CadastreDesignation | { hint: string } | undefined {
  const digits = query.replace(/\s+/g, '');
  if (!/^\d+$/.test(digits)) return undefined;
  const kind = KINDS[digits.length];
  if (kind) {
    const parcel = digits.slice(0, 11);
    const lookups = [...new Set([digits, digits.slice(0, 14), parcel])];
    return { digits, kind, parcel, lookups };
  }
  if (digits.length < LOOKS_LIKE_MIN || digits.length > LOOKS_LIKE_MAX) return undefined;
  if (digits.length === 15) {
    return {
      hint:
        `${CADASTRE_HINT} (land parcel, building, premises group); ${digits.length} digits name a part of a land parcel: ` +
        `search its parcel ${digits.slice(0, 11)}.`,
    };
  }
  return { hint: `${CADASTRE_HINT} (land parcel, building, premises group); "${digits}" has ${digits.length}.` };
}
