import { inflateRawSync } from 'node:zlib';
import { ImportError } from './importError.js';

/** A file by name, as uploaded or found inside an archive. */
export interface NamedFile {
  name: string;
  data: Uint8Array;
}

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_FILE_HEADER = 0x04034b50;

/**
 * Extracts the files of a zip archive (stored or deflated entries, the two kinds that zipped
 * shapefiles use). Reads the central directory, so archives written with data descriptors
 * work too. Folders and macOS resource forks (`__MACOSX/`) are left out.
 */
export function unzip(archive: Uint8Array): NamedFile[] {
  const view = new DataView(archive.buffer, archive.byteOffset, archive.byteLength);
  let eocd = -1;
  // The end record sits in the last 22 bytes plus an optional comment of up to 64 KiB.
  for (let i = archive.length - 22; i >= Math.max(0, archive.length - 22 - 0xffff); i--) {
    if (view.getUint32(i, true) === END_OF_CENTRAL_DIRECTORY) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ImportError('The file is not a zip archive (no zip directory found). Upload the .zip as it was made, or the files themselves.');
  const entries = view.getUint16(eocd + 10, true);
  let at = view.getUint32(eocd + 16, true);
  if (at === 0xffffffff) throw new ImportError('The zip archive uses the ZIP64 format, which this importer does not read; zip the files again with a common tool.');
  const files: NamedFile[] = [];
  for (let n = 0; n < entries; n++) {
    if (view.getUint32(at, true) !== CENTRAL_DIRECTORY_ENTRY) throw new ImportError('The zip archive is damaged (its directory does not add up); make it again.');
    const flags = view.getUint16(at + 8, true);
    const method = view.getUint16(at + 10, true);
    const compressedSize = view.getUint32(at + 20, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    const localHeader = view.getUint32(at + 42, true);
    const name = new TextDecoder().decode(archive.subarray(at + 46, at + 46 + nameLength));
    at += 46 + nameLength + extraLength + commentLength;
    if (name.endsWith('/') || name.startsWith('__MACOSX/')) continue;
    if (flags & 1) throw new ImportError(`${name} in the zip archive is encrypted; upload an archive without a password.`);
    if (view.getUint32(localHeader, true) !== LOCAL_FILE_HEADER) throw new ImportError(`The zip archive is damaged at ${name}; make it again.`);
    const start = localHeader + 30 + view.getUint16(localHeader + 26, true) + view.getUint16(localHeader + 28, true);
    const raw = archive.subarray(start, start + compressedSize);
    let data: Uint8Array;
    if (method === 0) data = raw;
    else if (method === 8) data = inflateRawSync(raw);
    else throw new ImportError(`${name} in the zip archive uses compression method ${method}; only stored and deflated files are read. Zip the files again with a common tool.`);
    files.push({ name, data });
  }
  return files;
}
