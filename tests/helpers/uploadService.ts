import type { FastifyInstance } from 'fastify';
import { copyFile } from 'node:fs/promises';
import path from 'node:path';
import type { UploadJob } from '../../server/src/uploads/types.js';
import { municipalityId } from './users.js';

/**
 * Analyses a file through the upload service, as the fixture municipality's operator, and gives
 * the job when it is done. With `throughRows`, as if layers could not be staged in tables of their
 * own (the path of the embedded database: GDAL's GeoJSON into `upload_feature`).
 */
export async function analyseFile(app: FastifyInstance, file: string, opts: { throughRows?: boolean } = {}): Promise<UploadJob> {
  const copy = await app.uploads.newFilePath(path.basename(file));
  await copyFile(file, copy);
  if (opts.throughRows) process.env.UPLOAD_DIRECT_STAGE = 'no';
  try {
    const id = await app.uploads.submit(path.basename(file), copy, {}, { municipalityId: await municipalityId(app, 'testa'), userId: null });
    await app.uploads.idle();
    return (await app.uploads.get(id))!;
  } finally {
    if (opts.throughRows) delete process.env.UPLOAD_DIRECT_STAGE;
  }
}
