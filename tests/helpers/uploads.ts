import type { FastifyInstance } from 'fastify';
import { readFileSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'vitest';
import type { UploadJob } from '../../server/src/uploads/types.js';
import { multipart } from './multipart.js';
import { editorHeaders, municipalityId } from './users.js';

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

/**
 * Uploads a file through `POST /api/uploads` as an editor of the fixture municipality and gives
 * the job, as the API shows it, once its analysis is done.
 * @param name the file name sent (the file's own by default)
 */
export async function uploadAsEditor<Job>(app: FastifyInstance, file: string, fields: Record<string, string> = {}, name = path.basename(file)): Promise<Job> {
  const body = multipart(name, readFileSync(file), fields);
  const res = await app.inject({ method: 'POST', url: '/api/uploads', payload: body.payload, headers: { ...body.headers, ...(await editorHeaders(app)) } });
  expect(res.statusCode, res.body).toBe(202);
  await app.uploads.idle();
  return (await app.inject({ url: `/api/uploads/${res.json().id}`, headers: await editorHeaders(app) })).json();
}

/** Publishes an analysed upload through the API as an editor and gives the job once that is done (or failed). */
export async function publishAsEditor<Job>(app: FastifyInstance, id: string, body: object): Promise<Job> {
  const res = await app.inject({ method: 'POST', url: `/api/uploads/${id}/publish`, headers: await editorHeaders(app), payload: body });
  expect(res.statusCode, res.body).toBe(202);
  await app.uploads.idle();
  return (await app.inject({ url: `/api/uploads/${id}`, headers: await editorHeaders(app) })).json();
}
