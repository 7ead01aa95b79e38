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
