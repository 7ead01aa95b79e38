/** Character sets Latvian open data arrives in. */
export type TextEncoding = 'utf-8' | 'windows-1257';

/**
 * Decodes bytes as UTF-8 (the register's current files), or, when they are not valid UTF-8,
 * as Windows-1257 (Baltic), which older exports and DBF files use. A UTF-8 byte-order mark is
 * dropped.
 */
export function decodeText(bytes: Uint8Array): { text: string; encoding: TextEncoding } {
  try {
    // ignoreBOM: false (the default) makes the decoder drop a leading BOM.
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: new TextDecoder('windows-1257').decode(bytes), encoding: 'windows-1257' };
  }
}

/** Whether the bytes are valid UTF-8. */
export function isUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** Ґ ґ Є є Ї ї І і in Windows-1251, which lie below its other letters. */
const ukrainianLetters = new Set([0xa5, 0xb4, 0xaa, 0xba, 0xaf, 0xbf, 0xb2, 0xb3]);

/**
 * The 8-bit code page of text that is not UTF-8: Windows-1251 when it is mostly Cyrillic words
 * (Ukrainian or Russian data), else Windows-1257, the Baltic page Latvian software writes. Both
 * put letters in the upper half; Cyrillic words are runs of them, while a Latvian word has its
 * diacritic letters one or two at a time between Latin ones.
 * @example legacyEncoding(bytesOf('Ābeļu iela')) // 'windows-1257'
 */
export function legacyEncoding(bytes: Uint8Array): 'windows-1257' | 'windows-1251' {
  let inWords = 0;
  let apart = 0;
  let run = 0;
  const end = () => {
    if (run >= 3) inWords += run;
    else apart += run;
    run = 0;
  };
  for (const b of bytes) {
    if (b >= 0xc0 || ukrainianLetters.has(b)) run++;
    else end();
  }
  end();
  return inWords > apart ? 'windows-1251' : 'windows-1257';
}

/** Whether bytes cut from a longer text are valid UTF-8, a character cut off at the end allowed. */
export function isUtf8Prefix(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
    return true;
  } catch {
    return false;
  }
}
