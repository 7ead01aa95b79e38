import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { stringify } from 'csv-stringify';
import type { FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import type { FastifySchemaValidationError } from 'fastify/types/schema.js';
import { Type } from 'typebox';
import { countAuditEntries, listAuditEntries, type AuditQuery } from '../../audit/repository.js';
import { requireRole, requireUser } from '../../plugins/auth.js';
import { badRequest, forbidden, type UserError } from '../../plugins/errors.js';
import { personalData } from '../../plugins/securityHeaders.js';
import { ErrorBody } from '../layers/schemas.js';
import { bigintId, int4 } from '../bounds.js';

const MAX_PAGE = 500;
const MAX_EXPORT = 100_000;

const Filters = {
  municipalityId: Type.Optional(int4({ description: 'The municipality; needed when you administer several.' })),
  userId: Type.Optional(bigintId()),
  layerId: Type.Optional(Type.String({ maxLength: 64 })),
  action: Type.Optional(Type.String({ maxLength: 40, pattern: '^[a-z][a-z_.]*$', description: "e.g. 'read'" })),
  from: Type.Optional(Type.String({ maxLength: 40, description: 'From this instant (ISO 8601, e.g. 2025-01-31 or 2025-01-31T08:00:00Z).' })),
  to: Type.Optional(Type.String({ maxLength: 40, description: 'Before this instant (ISO 8601).' })),
};
const AuditListQuery = Type.Object(
  {
    ...Filters,
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE, default: 100 })),
    offset: Type.Optional(int4({ minimum: 0 })),
  },
  { additionalProperties: false },
);
const AuditExportQuery = Type.Object(Filters, { additionalProperties: false });

const AuditEntryBody = Type.Object({
  id: Type.Integer(),
  at: Type.String(),
  userId: Type.Union([Type.Integer(), Type.Null()]),
  userEmail: Type.Union([Type.String(), Type.Null()]),
  municipalityId: Type.Union([Type.Integer(), Type.Null()]),
  municipalityCode: Type.Union([Type.String(), Type.Null()]),
  action: Type.String(),
  layerId: Type.Union([Type.String(), Type.Null()]),
  featureId: Type.Union([Type.String(), Type.Null()]),
  details: Type.Record(Type.String(), Type.Unknown()),
  ip: Type.Union([Type.String(), Type.Null()]),
});
// The handler streams csv-stringify's output, which Fastify passes through unserialised.
const AuditCsv = Type.Unsafe<Readable>({ description: 'CSV', content: { 'text/csv': { schema: { type: 'string' } } } });
const AuditPage = Type.Object({ total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer(), entries: Type.Array(AuditEntryBody) });

function formatSchemaError(errors: FastifySchemaValidationError[], context: string): UserError {
  const first = errors[0];
  const params = (first?.params ?? {}) as { additionalProperty?: string };
  if (params.additionalProperty) {
    return badRequest(
      `The ${context} parameter "${params.additionalProperty.slice(0, 40)}" is unknown; use municipalityId, userId, layerId, action, from, to, limit, offset.`,
    );
  }
  const name = first?.instancePath.replace(/^\//, '') ?? '';
  return badRequest(`The ${context} parameter "${name}" ${first?.message ?? 'is not valid'}.`);
}

function instant(text: string | undefined, name: string): Date | undefined {
  if (text === undefined) return undefined;
  const date = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(text) ? new Date(text) : undefined;
  if (!date || Number.isNaN(date.getTime())) throw badRequest(`"${name}" must be a date or instant in ISO 8601, e.g. 2025-01-31 or 2025-01-31T08:00:00Z.`);
  return date;
}

/** The entries this administrator may read, from the request's filters. */
function auditQuery(request: FastifyRequest, q: Omit<AuditQuery, 'municipalityIds' | 'from' | 'to'> & { municipalityId?: number; from?: string; to?: string }): AuditQuery {
  const user = requireUser(request);
  let municipalityIds: number[] | null;
  if (q.municipalityId !== undefined) {
    requireRole(request, 'admin', q.municipalityId);
    municipalityIds = [q.municipalityId];
  } else if (user.platformAdmin) {
    municipalityIds = null;
  } else {
    const administered = user.memberships.filter((m) => m.role === 'admin').map((m) => m.municipalityId);
    if (administered.length === 0) throw forbidden('The audit log is for administrators of a municipality.');
    if (administered.length > 1) throw badRequest('You administer several municipalities: choose one with municipalityId.');
    municipalityIds = administered;
  }
  return {
    municipalityIds,
    userId: q.userId,
    layerId: q.layerId,
    action: q.action,
    from: instant(q.from, 'from'),
    to: instant(q.to, 'to'),
  };
}

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody };

/** The audit log for administrators (under /api/audit): pages and a CSV export. */
const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/',
    {
      schemaErrorFormatter: formatSchemaError,
      schema: {
        summary: 'Audit log entries (admin)',
        description: 'Newest first; filters by user, layer, action and time. Admins see their municipality, platform admins all.',
        tags: ['audit'],
        querystring: AuditListQuery,
        response: { 200: AuditPage, ...errors },
      },
    },
    async (request, reply) => {
      const { limit = 100, offset = 0, ...filters } = request.query;
      const query = auditQuery(request, filters);
      const total = await countAuditEntries(app.pg.pool, query);
      const entries = offset < total ? await listAuditEntries(app.pg.pool, query, { limit, offset }) : [];
      personalData(reply);
      return { total, limit, offset, entries };
    },
  );

  app.get(
    '/export',
    {
      schemaErrorFormatter: formatSchemaError,
      schema: {
        summary: 'Audit log as CSV (admin)',
        description: `The same filters as GET /api/audit, at most ${MAX_EXPORT} entries, newest first; UTF-8 with BOM.`,
        tags: ['audit'],
        querystring: AuditExportQuery,
        response: {
          200: AuditCsv,
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const query = auditQuery(request, request.query);
      const total = await countAuditEntries(app.pg.pool, query);
      if (total > MAX_EXPORT) throw badRequest(`${total} entries match; an export holds at most ${MAX_EXPORT}. Narrow the time range.`);
      const rows = await listAuditEntries(app.pg.pool, query, { limit: MAX_EXPORT, offset: 0 });
      const csv = stringify({
        bom: true,
        header: true,
        columns: ['id', 'at', 'userId', 'userEmail', 'municipalityCode', 'action', 'layerId', 'featureId', 'details', 'ip'],
        cast: { object: (v) => JSON.stringify(v) },
      });
      for (const r of rows) csv.write(r);
      csv.end();
      return personalData(reply)
        .header('content-disposition', 'attachment; filename="audit-log.csv"')
        .type('text/csv; charset=utf-8')
        .send(csv);
    },
  );
};
export default routes;
