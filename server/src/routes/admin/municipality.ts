import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import { maskSecret } from '../../municipalities/secrets.js';
import { badRequest } from '../../plugins/errors.js';
import { withMunicipality } from '../../tenancy/scope.js';
import { ErrorBody } from '../layers/schemas.js';
import { administeredMunicipality } from './members.js';

const Language = Type.Union([Type.Literal('lv'), Type.Literal('en'), Type.Literal('uk')]);
const KeyName = Type.String({ pattern: '^[A-Z][A-Z0-9_]{0,62}$' });
const Settings = Type.Object({
  id: Type.Integer(),
  code: Type.String(),
  name: Type.String(),
  nameEn: Type.Union([Type.String(), Type.Null()]),
  defaultLanguage: Language,
  /** The boundary as GeoJSON in WGS-84, or null. */
  boundary: Type.Union([Type.Object({}, { additionalProperties: true }), Type.Null()]),
  wmsKeys: Type.Array(
    Type.Object({
      name: KeyName,
      sources: Type.Array(Type.String(), { description: 'The WMS sources that use this key.' }),
      masked: Type.Union([Type.String(), Type.Null()], { description: "The municipality's own key, its last four characters only; null when it has none." }),
      serverWide: Type.Boolean({ description: 'Whether the server has a key of this name in its environment (used when the municipality has none).' }),
    }),
  ),
});
const Geometry = Type.Object(
  {
    type: Type.Union([Type.Literal('Polygon'), Type.Literal('MultiPolygon')]),
    coordinates: Type.Array(Type.Unknown(), { minItems: 1 }),
  },
  { additionalProperties: false, description: 'GeoJSON (Multi)Polygon in WGS-84 (lon, lat).' },
);
const SettingsBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 2, maxLength: 120 })),
    nameEn: Type.Optional(Type.Union([Type.String({ maxLength: 120 }), Type.Null()])),
    defaultLanguage: Type.Optional(Language),
    boundary: Type.Optional(Geometry),
    wmsKeys: Type.Optional(
      Type.Record(KeyName, Type.Union([Type.String({ minLength: 1, maxLength: 500 }), Type.Null()]), {
        description: 'New keys by name; null removes the municipality’s own key.',
      }),
    ),
  },
  { additionalProperties: false },
);
const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody };

/** The request municipality's own settings, for its administrators (under /api/admin). */
const routes: FastifyPluginAsyncTypebox = async (app) => {
  /** Key names the WMS sources this municipality sees use, with their sources. */
  async function keyNames(municipalityId: number): Promise<Map<string, string[]>> {
    const names = new Map<string, string[]>();
    for (const s of await app.wms.catalog.list(municipalityId)) if (s.keyEnv) names.set(s.keyEnv, [...(names.get(s.keyEnv) ?? []), s.id]);
    return names;
  }

  async function read(municipalityId: number): Promise<Static<typeof Settings>> {
    const { rows } = await app.pg.pool.query(
      `SELECT id, code, name, name_en, coalesce(settings->>'defaultLanguage', 'lv') AS language,
              ST_AsGeoJSON(ST_Transform(boundary, 4326), 6)::json AS boundary
         FROM municipality WHERE id = $1`,
      [municipalityId],
    );
    const r = rows[0];
    const own = await app.municipalitySecrets.all(municipalityId);
    const names = await keyNames(municipalityId);
    for (const name of own.keys()) if (!names.has(name)) names.set(name, []);
    return {
      id: r.id,
      code: r.code,
      name: r.name,
      nameEn: r.name_en,
      defaultLanguage: r.language,
      boundary: r.boundary,
      wmsKeys: [...names].map(([name, sources]) => ({
        name,
        sources,
        masked: own.has(name) ? maskSecret(own.get(name)!) : null,
        serverWide: !!app.config.wms.key(name),
      })),
    };
  }

  app.get(
    '/municipality',
    {
      schema: {
        summary: "The request municipality's settings (admin)",
        description: 'Names, default language, boundary and which WMS keys are set; keys only ever come back masked.',
        tags: ['admin'],
        response: { 200: Settings, ...errors },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return read(administeredMunicipality(request));
    },
  );

  app.put(
    '/municipality',
    {
      schema: {
        summary: "Change the request municipality's settings (admin)",
        description: 'Only the fields given change. The boundary must be a valid (Multi)Polygon in or near Latvia. Needs X-CSRF-Token.',
        tags: ['admin'],
        body: SettingsBody,
        response: { 200: Settings, ...errors },
      },
    },
    async (request, reply) => {
      const municipalityId = administeredMunicipality(request);
      const body = request.body;
      if (body.wmsKeys) {
        const known = await keyNames(municipalityId);
        const unknown = Object.keys(body.wmsKeys).filter((k) => !known.has(k));
        if (unknown.length) throw badRequest(`No WMS source uses the key ${unknown.join(', ')}; the known keys are ${[...known.keys()].join(', ') || 'none'}.`);
      }
      const before = await read(municipalityId);
      await withMunicipality(app.pg.pool, municipalityId, async (client) => {
        if (body.boundary) {
          const { rows } = await client.query<{ problem: string | null }>(
            `WITH g AS (SELECT ST_SetSRID(ST_GeomFromGeoJSON($1), 4326) AS g)
             SELECT CASE WHEN NOT ST_IsValid(g) THEN 'is not a valid polygon: ' || ST_IsValidReason(g)
                         WHEN NOT ST_Within(g, ST_MakeEnvelope(20.2, 55.2, 29.0, 58.5, 4326)) THEN 'lies outside Latvia (give longitude, latitude in WGS-84)'
                    END AS problem FROM g`,
            [JSON.stringify(body.boundary)],
          ).catch(() => {
            throw badRequest('The boundary is not readable GeoJSON; give a Polygon or MultiPolygon in WGS-84.');
          });
          if (rows[0].problem) throw badRequest(`The boundary ${rows[0].problem}.`);
        }
        await client.query(
          `UPDATE municipality SET
             name = coalesce($2, name),
             name_en = CASE WHEN $3::boolean THEN $4 ELSE name_en END,
             settings = CASE WHEN $5::text IS NULL THEN settings ELSE settings || jsonb_build_object('defaultLanguage', $5::text) END,
             boundary = CASE WHEN $6::text IS NULL THEN boundary ELSE ST_Multi(ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON($6), 4326), 3059)) END
           WHERE id = $1`,
          [municipalityId, body.name ?? null, body.nameEn !== undefined, body.nameEn ?? null, body.defaultLanguage ?? null, body.boundary ? JSON.stringify(body.boundary) : null],
        );
        if (body.wmsKeys) await app.municipalitySecrets.put(client, municipalityId, body.wmsKeys, request.user!.id);
        await app.audit.recordIn(client, request, {
          action: 'municipality.settings',
          municipalityId,
          details: {
            before: { name: before.name, nameEn: before.nameEn, defaultLanguage: before.defaultLanguage },
            after: { name: body.name, nameEn: body.nameEn, defaultLanguage: body.defaultLanguage, boundary: body.boundary ? 'changed' : undefined },
            // Which keys changed, never their values.
            wmsKeys: body.wmsKeys ? Object.fromEntries(Object.entries(body.wmsKeys).map(([k, v]) => [k, v === null ? 'removed' : 'set'])) : undefined,
          },
        });
      });
      app.municipalities.invalidate();
      reply.header('cache-control', 'no-store');
      return read(municipalityId);
    },
  );
};

export default routes;
