import fp from 'fastify-plugin';
import { WmsKeyring } from '../wms/keyBinding.js';
import { readCatalogFile, WmsCatalog } from '../wms/sourceCatalog.js';
import { WmsSourceRepository } from '../wms/sourceRepository.js';
import { TileCache } from '../wms/tileCache.js';
import { TileProxy } from '../wms/tileProxy.js';

/** The WMS basemap machinery shared by /api/basemaps and the /wms tile proxy. */
export interface WmsService {
  catalog: WmsCatalog;
  keyring: WmsKeyring;
  repository: WmsSourceRepository;
  proxy: TileProxy;
}

declare module 'fastify' {
  interface FastifyInstance {
    wms: WmsService;
  }
}

/** Loads the WMS source catalog (a broken data/wms-sources.json stops the start) and builds the tile proxy. */
export default fp(
  async (app) => {
    const config = app.config.wms;
    const repository = new WmsSourceRepository(app.pg.pool);
    const catalog = new WmsCatalog(await readCatalogFile(config.sourcesFile), repository);
    const keyring = new WmsKeyring({
      shipped: catalog.shipped(),
      serverKey: config.key,
      municipalKey: (municipalityId, name) => app.municipalitySecrets.get(municipalityId, name),
    });
    const proxy = new TileProxy({
      cache: new TileCache(config.cacheDir),
      ttl: config.cacheTtl,
      timeoutMs: config.timeoutMs,
      key: (source, municipalityId) => keyring.keyFor(source, municipalityId),
      log: app.log,
    });
    app.decorate('wms', { catalog, keyring, repository, proxy });
  },
  { name: 'wms', dependencies: ['database', 'tenancy'] },
);
