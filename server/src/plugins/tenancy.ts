import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { MunicipalitySecrets } from '../municipalities/secrets.js';
import { MunicipalityDirectory, type Municipality } from '../tenancy/municipalities.js';
import { UserError } from './errors.js';

export const MUNICIPALITY_HEADER = 'x-municipality';

declare module 'fastify' {
  interface FastifyInstance {
    municipalities: MunicipalityDirectory;
    /** Service keys each municipality stored for itself (WMS keys). */
    municipalitySecrets: MunicipalitySecrets;
  }
  interface FastifyRequest {
    /**
     * The municipality this request is about (see `requestMunicipality`); null only while no
     * municipality exists yet. Layer-scoped URLs (tiles, OGC collections, feature tables) are
     * scoped by their layer's municipality instead, which the layer id names.
     */
    municipality: Municipality | null;
  }
}

/**
 * Paths whose handlers read municipal data; static client files never do, nor does /api/health,
 * which must answer (503, database unreachable) while the database is down.
 */
const SCOPED_PATHS = /^\/(?!api\/health(\/|\?|$))(api|ogc|wms|embed)(\/|\?|$)/;

/**
 * Which municipality a request is about, in this order:
 * 1. the `X-Municipality: <code>` header (the web client sends the municipality the user chose);
 * 2. the first label of the host name when it is a municipality's code (`marupe.gis.example.lv`);
 * 3. `DEFAULT_MUNICIPALITY`, else the demo municipality, else the first one (a deployment that
 *    hosts one municipality needs nothing).
 * An unknown code in the header is a 404, never a silent fallback to another municipality.
 */
async function requestMunicipality(request: FastifyRequest, directory: MunicipalityDirectory): Promise<Municipality | null> {
  const named = request.headers[MUNICIPALITY_HEADER];
  if (typeof named === 'string' && named.trim()) {
    const code = named.trim().toLowerCase();
    const found = /^[a-z0-9-]{1,64}$/.test(code) ? await directory.byCodeOrNull(code) : null;
    if (!found) {
      throw new UserError(404, `There is no municipality "${named.slice(0, 64)}" here; X-Municipality takes a municipality code such as "marupe".`);
    }
    return found;
  }
  const label = request.hostname.split('.')[0]?.toLowerCase();
  if (label && request.hostname.includes('.')) {
    const bySubdomain = await directory.byCodeOrNull(label);
    if (bySubdomain) return bySubdomain;
  }
  return directory.fallback();
}

/** Decorates `app.municipalities` and `request.municipality`. */
export default fp(
  async (app) => {
    app.decorate('municipalities', new MunicipalityDirectory(app.pg.pool, 10_000, app.config.defaultMunicipality));
    app.decorate('municipalitySecrets', new MunicipalitySecrets(app.pg.pool));
    app.decorateRequest('municipality', null);
    app.addHook('onRequest', async (request) => {
      if (!SCOPED_PATHS.test(request.url)) return;
      request.municipality = await requestMunicipality(request, app.municipalities);
    });
  },
  { name: 'tenancy', dependencies: ['database', 'errors'] },
);
