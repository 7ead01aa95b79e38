import { createHash } from 'node:crypto';
import type { WmsConfig } from '../config.js';
import { UserError, badRequest } from '../plugins/errors.js';
import { discoverWms, DiscoveryError } from './discoverSource.js';
import type { WmsKeyring } from './keyBinding.js';
import type { WmsCatalog } from './sourceCatalog.js';
import type { WmsSourceRepository } from './sourceRepository.js';
import type { WmsSource } from './types.js';

export interface AddSourceRequest {
  url: string;
  id?: string;
  title?: WmsSource['title'];
  attribution?: string;
  keyEnv?: string;
  keyParam?: string;
}

/**
 * Adds (or refreshes) a WMS source an admin names by URL for `owner` (a municipality, or null for
 * a shared source): reads its capabilities, keeps the EPSG:3857 layers, stores it, and makes the
 * proxy serve it at once.
 * @returns the stored source, whether it is new, and the layers left out
 * @throws UserError 400 naming what is wrong with the URL or the WMS; 409 for a shipped id; 403 for another owner's id
 */
export async function addWmsSource(
  deps: { config: WmsConfig; catalog: WmsCatalog; keyring: WmsKeyring; repository: WmsSourceRepository },
  request: AddSourceRequest,
  owner: number | null,
): Promise<{ source: WmsSource; created: boolean; skipped: string[] }> {
  // The capabilities request carries a key only where the key is bound (see WmsKeyring).
  const key = await deps.keyring.keyFor({ url: request.url, keyEnv: request.keyEnv, municipalityId: owner }, owner ?? undefined);
  if (request.keyEnv && !key) {
    throw badRequest(
      `No key is configured in ${request.keyEnv} for ${hostOf(request.url)}: the server's key goes only to the hosts of the ` +
        "shipped catalog (data/wms-sources.json), a municipality's own key also to its own sources. Set the key first, then add the source.",
    );
  }
  let found;
  try {
    found = await discoverWms(request.url, {
      timeoutMs: deps.config.timeoutMs,
      allowPrivateHosts: deps.config.allowPrivateHosts,
      key,
      keyParam: request.keyParam,
    });
  } catch (err) {
    if (err instanceof DiscoveryError) throw badRequest(err.message);
    throw new Error('reading WMS capabilities', { cause: err });
  }
  const id = request.id ?? sourceIdFor(found.url, owner);
  if (deps.catalog.isShipped(id)) {
    throw new UserError(409, `"${id}" is a source of the shipped catalog (data/wms-sources.json); choose another id.`);
  }
  const source: WmsSource = {
    id,
    title: request.title ?? { lv: found.title, en: found.title },
    url: found.url,
    version: found.version,
    format: found.format,
    attribution: request.attribution ?? `© ${found.title}`,
    layers: found.layers,
    ...(request.keyEnv ? { keyEnv: request.keyEnv } : {}),
    ...(request.keyParam ? { keyParam: request.keyParam } : {}),
  };
  const created = await deps.repository.save(source, owner);
  deps.catalog.invalidate();
  return { source, created, skipped: found.skipped };
}

/**
 * A stable id for a WMS URL and its owner: the host as a slug plus a short hash, so adding the same
 * URL again refreshes it, two services on one host stay apart, and two municipalities adding the
 * same service each get their own.
 * @example sourceIdFor('https://lvmgeoserver.lvm.lv/geoserver/ows') // 'lvmgeoserver-lvm-lv-3f9a1c'
 */
export function sourceIdFor(url: string, owner: number | null = null): string {
  const host = new URL(url).hostname.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 48) || 'wms';
  const hashed = owner === null ? url : `${owner}\n${url}`;
  return `${host}-${createHash('sha1').update(hashed).digest('hex').slice(0, 6)}`;
}

/** The host of a URL for a message; the URL itself is checked by the discovery. */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url.slice(0, 100);
  }
}
