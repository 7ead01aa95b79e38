import fastifyMultipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Type } from 'typebox';
import { badRequest, notFound } from '../../plugins/errors.js';
import { problemError } from '../../uploads/problems.js';
import { assertJobVisible, uploadMunicipality } from '../../uploads/access.js';
import { actorOf } from '../../uploads/actor.js';
import type { UploadJob, UploadOptions } from '../../uploads/types.js';
import { ErrorBody, PublishBody, Upload, UploadId } from './schemas.js';

const MB = 1024 * 1024;

/** The job as the API shows it (server paths and internal layer details left out). */
const present = (job: UploadJob) => ({
  id: job.id,
  status: job.status,
  progress: job.progress,
  fileName: job.fileName,
  format: job.format,
  layers: job.layers.map(({ sourceLayer: _s, srid: _r, fields, ...l }) => ({
    ...l,
    fields: fields.map(({ ogrType: _o, ...f }) => f),
  })),
  warnings: job.warnings,
  errors: job.errors,
  ...(job.layerId ? { layerId: job.layerId } : {}),
  createdAt: job.createdAt,
  updatedAt: job.updatedAt,
});

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };

/** Dataset uploads: send a file, watch its analysis, publish it as a layer. */
const routes: FastifyPluginAsyncTypebox = async (app) => {
  const uploads = app.uploads;
  const limitMb = Math.round(uploads.config.maxBytes / MB);
  await app.register(fastifyMultipart, {
    limits: { fileSize: uploads.config.maxBytes, files: 1, fields: 10, fieldSize: 1000 },
  });

  app.post(
    '/',
    {
      schema: {
        summary: 'Upload a GIS file',
        description: `multipart/form-data with the file in field \`file\` (at most ${limitMb} MB): a zipped Shapefile (several shapefiles = several layers), GeoPackage, GeoJSON, KML/KMZ, GPX, DXF, CSV or XLSX with coordinate columns, MapInfo TAB (zipped). Optional text fields, sent before the file: \`crs\` (e.g. EPSG:3059, when the file has none or a wrong one), \`encoding\` (e.g. windows-1257, for a DBF without .cpg), \`layer\` (analyse only this layer). Answers 202 at once; poll GET /api/uploads/{id} for the analysis.`,
        tags: ['uploads'],
        consumes: ['multipart/form-data'],
        response: { 202: UploadId, 413: ErrorBody, ...errors },
      },
    },
    async (request, reply) => {
      // Refuse before a byte of the file is spooled.
      const municipalityId = uploadMunicipality(request);
      if (!request.isMultipart()) throw badRequest('Send the file as multipart/form-data in the field "file".');
      const options: UploadOptions = {};
      let spooled: { name: string; path: string } | undefined;
      try {
        for await (const part of request.parts()) {
          if (part.type === 'file') {
            if (part.fieldname !== 'file') throw badRequest(`Send the file in the field "file", not "${part.fieldname}".`);
            const target = await uploads.newFilePath(part.filename || 'upload');
            spooled = { name: part.filename || 'upload', path: target };
            await pipeline(part.file, createWriteStream(target));
            if (part.file.truncated) throw problemError(413, 'upload.tooLarge', { limitMb });
          } else if (['crs', 'encoding', 'layer'].includes(part.fieldname) && typeof part.value === 'string' && part.value.trim()) {
            options[part.fieldname as keyof UploadOptions] = part.value.trim();
          }
        }
      } catch (err) {
        if (spooled) await rm(path.dirname(spooled.path), { recursive: true, force: true });
        if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
          throw problemError(413, 'upload.tooLarge', { limitMb });
        }
        // The multipart parser's own errors (no boundary, a cut-off body, a bad part header) are the request's fault.
        if (err instanceof Error && /^(Multipart: |Unexpected end of |Malformed )/.test(err.message)) {
          throw badRequest(`The multipart body cannot be read (${err.message}); send the file as multipart/form-data in the field "file".`);
        }
        throw err;
      }
      if (!spooled) throw badRequest('The request has no file; send it in the multipart field "file".');
      const id = await uploads.submit(spooled.name, spooled.path, options, { municipalityId, userId: request.user!.id });
      return reply.status(202).send({ id });
    },
  );

  app.get(
    '/',
    {
      schema: {
        summary: 'Recent uploads',
        description: "The last 100 uploads into the request's municipality, newest first (its editors and admins).",
        tags: ['uploads'],
        response: { 200: Type.Object({ uploads: Type.Array(Upload) }), ...errors },
      },
    },
    async (request) => ({ uploads: (await uploads.list(uploadMunicipality(request))).map(present) }),
  );

  app.get(
    '/:id',
    {
      schema: {
        summary: 'An upload: status, progress and the preview',
        description: 'Status and progress (0–1); when ready, the layers found with geometry type, feature count, CRS, fields and encoding, plus warnings and errors (with the feature index where one applies).',
        tags: ['uploads'],
        params: UploadId,
        response: { 200: Upload, ...errors },
      },
    },
    async (request) => present(assertJobVisible(request, await uploads.get(request.params.id), request.params.id)),
  );

  app.post(
    '/:id/publish',
    {
      schema: {
        summary: 'Publish an analysed upload as a layer',
        description: 'Starts the import (status importing → done with layerId, or failed with the reason; nothing is half-imported: the table, the layer row and the version are created in one transaction). With replaceLayerId the data of that uploaded layer is replaced by a new version.',
        tags: ['uploads'],
        params: UploadId,
        body: PublishBody,
        response: { 202: UploadId, ...errors },
      },
    },
    async (request, reply) => {
      assertJobVisible(request, await uploads.get(request.params.id), request.params.id);
      await uploads.publish(request.params.id, request.body, actorOf(request));
      return reply.status(202).send({ id: request.params.id });
    },
  );

  app.post(
    '/:id/retry',
    {
      schema: {
        summary: 'Retry a failed upload',
        description: 'A failed publish goes back to ready (its analysis is kept); an upload whose analysis was interrupted is analysed again.',
        tags: ['uploads'],
        params: UploadId,
        response: { 200: Upload, ...errors },
      },
    },
    async (request) => {
      assertJobVisible(request, await uploads.get(request.params.id), request.params.id);
      return present(await uploads.retry(request.params.id));
    },
  );
};

export default routes;
