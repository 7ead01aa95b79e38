import { describe, expect, it } from 'vitest';
import { isUtf8Prefix, legacyEncoding } from '../../../server/src/importers/decodeText.js';

/** Text in an 8-bit code page, as old GIS software writes it (Node has no encoder for them). */
function encode(text: string, encoding: 'windows-1257' | 'windows-1251'): Uint8Array {
  const decoder = new TextDecoder(encoding);
  const table = new Map<string, number>();
  for (let b = 0; b < 256; b++) table.set(decoder.decode(Uint8Array.of(b)), b);
  return Uint8Array.from([...text].map((c) => table.get(c) ?? 0x3f));
}

describe('text encodings', () => {
  it('takes Latvian text that is not UTF-8 as Windows-1257', () => {
    for (const text of ['Ābeļu iela 1', 'Šosejas krustojums — ūdens ņēmums', 'ĶEKAVAS NOVADS, Baložu pilsēta', 'Mārupes novads; Jaunmārupe; Skultes ciems']) {
      expect(legacyEncoding(encode(text, 'windows-1257')), text).toBe('windows-1257');
    }
  });

  it('takes mostly Cyrillic text as Windows-1251, Latin addresses beside it included', () => {
    for (const text of ['Пункт видачі допомоги', 'Їжа та одяг для родин;Marupe, Daugavas iela 29', 'Консультації українською, Tiraine']) {
      expect(legacyEncoding(encode(text, 'windows-1251')), text).toBe('windows-1251');
    }
  });

  it('allows a UTF-8 character cut off at the end of a sample, not a broken one inside it', () => {
    const bytes = new TextEncoder().encode('Ābeļu iela');
    expect(isUtf8Prefix(bytes.subarray(0, 1))).toBe(true);
    expect(isUtf8Prefix(Uint8Array.of(0x41, 0xc2, 0x41))).toBe(false);
  });
});
