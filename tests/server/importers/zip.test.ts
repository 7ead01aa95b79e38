import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rootDir } from '../../../server/src/config.js';
import { extractZip } from '../../../server/src/importers/zip.js';
import { UploadRefusal } from '../../../server/src/uploads/problems.js';

const fixtures = path.join(rootDir, 'tests/fixtures/uploads');

describe('zip archives', () => {
  let out: string;
  beforeEach(async () => {
    out = await mkdtemp(path.join(tmpdir(), 'zip-test-'));
  });
  afterEach(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it('unpacks a shapefile in a subfolder with upper-case names, its Windows-1257 bytes as they were', async () => {
    const files = await extractZip(path.join(fixtures, 'latvija_1257.zip'), out);
    expect(files.sort()).toEqual(expect.arrayContaining(['Dati/PUNKTI.shp', 'Dati/PUNKTI.dbf', 'Dati/ielas/linijas.shp']));
    // Ā in Windows-1257 is 0xC2: the DBF came out byte for byte.
    expect((await readFile(path.join(out, 'Dati/PUNKTI.dbf'))).includes(0xc2)).toBe(true);
  });

  it('refuses an entry that unpacks to more than its header says', async () => {
    const refused = await extractZip(path.join(fixtures, 'lying_header.zip'), out).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(UploadRefusal);
    expect((refused as UploadRefusal).problems[0]).toMatchObject({ code: 'archive.damaged', message: expect.stringMatching(/dati\/punkti\.csv does not unpack to the 1000 bytes its header gives/) });
  });

  it('refuses a zip bomb by its real unpacked size, whatever the limit', async () => {
    const refused = await extractZip(path.join(fixtures, 'zip_bomb.zip'), out, { maxTotalBytes: 1024 * 1024, maxEntries: 10 }).catch((e: unknown) => e);
    expect((refused as UploadRefusal).problems[0].code).toMatch(/^archive\.(tooLarge|tooManyEntries)$/);
  });
});
