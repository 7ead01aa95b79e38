import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RecordRead } from '../../plugins/audit.js';
import { assertRecordsReadable } from '../../access/layerAccess.js';
import { requireRole } from '../../plugins/auth.js';
import { notFound } from '../../plugins/errors.js';
import { withMunicipality } from '../../tenancy/scope.js';
import { checkParams, findWorklist, listWorklists, saveWorklist, sewerUnconnected, worklistCsv, type WorklistRow } from '../../workflows/worklists.js';
import { ErrorBody } from '../layers/schemas.js';
import { RunQuery, SavedWorklist, SavedWorklistRun, SaveWorklistBody, SewerUnconnectedQuery, WorklistParams, WorklistRows } from './schemas.js';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody };

/** The request municipality, for officials and stronger roles of it. */
function worklistMunicipality(request: FastifyRequest): number {
  if (!request.municipality) throw notFound('There is no municipality here yet.');
  requireRole(request, 'official', request.municipality.id);
  return request.municipality.id;
}

/**
 * The layers the sewer work list reads, as keys of server/src/layers/domainLayers.ts: connection
 * records and addresses are listed (address, status, position), mains give the distance.
 */
const SEWER_UNCONNECTED_LAYERS = ['sewer-connections', 'addresses', 'sewer-mains'];

/** 403 unless the user may read the records of every layer the work list reads (the access module decides). */
async function assertWorklistReadable(request: FastifyRequest): Promise<void> {
  for (const key of SEWER_UNCONNECTED_LAYERS) {
    const layer = await request.server.layers.get(`${request.municipality!.code}-${key}`);
    if (!layer) throw notFound(`This municipality has no ${key} layer, so there is no sewer work list.`);
    assertRecordsReadable(request.user, layer, 'records');
  }
}

function sendCsv(reply: FastifyReply, rows: WorklistRow[], name: string) {
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${name.replace(/[^A-Za-z0-9_.-]+/g, '_')}.csv"`)
    .send(worklistCsv(rows));
}

/** Work lists (under /api/worklists): unconnected properties near sewer mains, saved and shared per municipality. */
const routes: FastifyPluginAsyncTypebox = async (app) => {
  /**
   * A work list hands out records of the sewer connections layer (addresses, statuses; none of its
   * restricted fields): audited when the access module says such a read is of personal data.
   */
  const auditWorklist = async (request: FastifyRequest, read: RecordRead) => {
    const layer = await app.layers.get(`${request.municipality!.code}-sewer-connections`);
    if (layer) await app.audit.auditRead(request, layer, layer, read);
  };

  app.get(
    '/sewer-unconnected',
    {
      schema: {
        summary: 'Properties near a sewer main that are not connected, nearest first',
        description: 'Sewer connection records not yet connected and addresses with no record, within `distance` metres; CSV for letters.',
        tags: ['workflows'],
        querystring: SewerUnconnectedQuery,
        response: { 200: WorklistRows, ...errors },
      },
    },
    async (request, reply) => {
      const municipality = worklistMunicipality(request);
      await assertWorklistReadable(request);
      const { format, ...params } = request.query;
      const rows = await withMunicipality(app.pg.pool, municipality, (db) => sewerUnconnected(db, params));
      await auditWorklist(request, { via: 'worklists.sewer-unconnected', count: rows.length, selection: { ...request.query } });
      return format === 'csv' ? sendCsv(reply, rows, `sewer-unconnected-${params.distance ?? 50}m`) : rows;
    },
  );

  app.post(
    '/',
    {
      schema: { summary: 'Save a work list for the municipality', tags: ['workflows'], body: SaveWorklistBody, response: { 201: SavedWorklist, ...errors } },
    },
    async (request, reply) => {
      const municipality = worklistMunicipality(request);
      const { name, kind, params } = request.body;
      const checked = checkParams(kind, params);
      const saved = await withMunicipality(app.pg.pool, municipality, async (db) => {
        const w = await saveWorklist(db, municipality, request.user!.id, { name, kind, params: { ...checked } });
        await app.audit.recordIn(db, request, { action: 'worklist.create', municipalityId: municipality, details: { id: w.id, name, kind, params: checked } });
        return w;
      });
      return reply.status(201).send(saved);
    },
  );

  app.get(
    '/',
    { schema: { summary: 'The saved work lists of the municipality', tags: ['workflows'], response: { 200: { type: 'array', items: SavedWorklist }, ...errors } } },
    async (request) => {
      const municipality = worklistMunicipality(request);
      return withMunicipality(app.pg.pool, municipality, (db) => listWorklists(db, municipality));
    },
  );

  app.get(
    '/:id',
    {
      schema: {
        summary: 'Run a saved work list',
        tags: ['workflows'],
        params: WorklistParams,
        querystring: RunQuery,
        response: { 200: SavedWorklistRun, ...errors },
      },
    },
    async (request, reply) => {
      const municipality = worklistMunicipality(request);
      await assertWorklistReadable(request);
      const result = await withMunicipality(app.pg.pool, municipality, async (db) => {
        const worklist = await findWorklist(db, municipality, request.params.id);
        if (!worklist) return undefined;
        return { worklist, rows: await sewerUnconnected(db, checkParams(worklist.kind, worklist.params)) };
      });
      if (!result) throw notFound(`There is no work list ${request.params.id} in this municipality. GET /api/worklists lists them.`);
      await auditWorklist(request, { via: 'worklists.run', count: result.rows.length, selection: { worklist: result.worklist.id, ...request.query } });
      return request.query.format === 'csv' ? sendCsv(reply, result.rows, result.worklist.name) : result;
    },
  );
};

export default routes;
