import { CapabilitiesError, parseCapabilities, type CapabilitiesLayer, type WmsCapabilities } from './capabilities.js';
import { wmsBaseUrl } from './getMapUrl.js';
import { hostProblem } from './hostGuard.js';
import { guessLayerKind } from './layerKind.js';
import { redact } from './redact.js';
import type { WmsLayer, WmsSource } from './types.js';
import { fetchUpstream, UpstreamError } from './upstream.js';

/** The WMS cannot become a source; the message names the problem for the admin. */
export class DiscoveryError extends Error {}

export interface DiscoveredWms {
  /** The URL to store: the given one without WMS request parameters. */
  url: string;
  version: WmsSource['version'];
  format: WmsSource['format'];
  title: string;
  /** Layers offering EPSG:3857, ready for the catalog. */
  layers: WmsLayer[];
  /** Named layers left out because they do not offer EPSG:3857. */
  skipped: string[];
}

/** Capabilities of big national servers run to a few MB; more than this is not a WMS. */
const MAX_CAPABILITIES_BYTES = 20 * 1024 * 1024;

/**
 * Reads a WMS's GetCapabilities (1.3.0 first, then 1.1.1) and keeps the layers a web map can
 * use: those offering EPSG:3857. The URL is checked before anything is fetched.
 * @throws DiscoveryError with a message naming the problem (bad URL, private host, no answer,
 *   HTML or other XML, no EPSG:3857 layer)
 */
export async function discoverWms(
  rawUrl: string,
  opts: { timeoutMs: number; allowPrivateHosts: boolean; key?: string; keyParam?: string },
): Promise<DiscoveredWms> {
  const url = parseSourceUrl(rawUrl);
  const blocked = await hostProblem(url, opts.allowPrivateHosts);
  if (blocked) throw new DiscoveryError(blocked);

  const where = `The WMS at ${url.host}`;
  let capabilities: WmsCapabilities | undefined;
  let firstProblem: string | undefined;
  for (const version of ['1.3.0', '1.1.1'] as const) {
    const request = wmsBaseUrl(url.href);
    request.searchParams.set('SERVICE', 'WMS');
    request.searchParams.set('REQUEST', 'GetCapabilities');
    request.searchParams.set('VERSION', version);
    if (opts.key) request.searchParams.set(opts.keyParam ?? 'key', opts.key);
    try {
      const answer = await fetchUpstream(request, { timeoutMs: opts.timeoutMs, maxBytes: MAX_CAPABILITIES_BYTES });
      if (answer.status !== 200) throw new CapabilitiesError(`answered HTTP ${answer.status} to GetCapabilities`);
      capabilities = parseCapabilities(answer.body.toString('utf8'));
      break;
    } catch (err) {
      if (err instanceof UpstreamError) throw new DiscoveryError(redact(`${where} ${err.reason}.`, opts.key));
      if (!(err instanceof CapabilitiesError)) throw err;
      // Some servers only speak 1.1.1 and answer a 1.3.0 request with an error; ask again.
      firstProblem ??= err.message;
    }
  }
  if (!capabilities) throw new DiscoveryError(redact(`${where} ${firstProblem}.`, opts.key));

  const formats = capabilities.getMapFormats.map((f) => f.toLowerCase());
  const format = formats.includes('image/png') ? 'image/png' : formats.includes('image/jpeg') ? 'image/jpeg' : undefined;
  if (!format) throw new DiscoveryError(`${where} offers neither image/png nor image/jpeg for GetMap.`);

  const usable = capabilities.layers.filter((l) => l.offers3857);
  const skipped = capabilities.layers.filter((l) => !l.offers3857).map((l) => l.name);
  if (!usable.length) {
    const names = skipped.slice(0, 5).join(', ') + (skipped.length > 5 ? ', …' : '');
    throw new DiscoveryError(
      capabilities.layers.length
        ? `${where} has ${skipped.length} layer(s) (${names}) but none offers EPSG:3857, which web map tiles need.`
        : `${where} lists no named layers.`,
    );
  }
  return {
    url: wmsBaseUrl(url.href).href,
    version: capabilities.version,
    format,
    title: capabilities.title,
    layers: dedupe(usable).map(toCatalogLayer),
    skipped,
  };
}

function parseSourceUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new DiscoveryError(`"${raw.slice(0, 200)}" is not a URL; give the WMS address, e.g. https://example.lv/geoserver/ows.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new DiscoveryError(`The WMS URL must start with http:// or https:// (got ${url.protocol}).`);
  }
  if (url.username || url.password) {
    throw new DiscoveryError('The WMS URL must not contain a user name or password; name a key variable (keyEnv) instead.');
  }
  url.hash = '';
  return url;
}

/** A layer name can appear twice in one tree (group and child); keep the first. */
function dedupe(layers: CapabilitiesLayer[]): CapabilitiesLayer[] {
  const seen = new Set<string>();
  return layers.filter((l) => !seen.has(l.name) && seen.add(l.name));
}

function toCatalogLayer(layer: CapabilitiesLayer): WmsLayer {
  return {
    name: layer.name,
    title: { lv: layer.title, en: layer.title },
    kind: guessLayerKind(layer.name, layer.title),
    ...(layer.bounds ? { bounds: layer.bounds } : {}),
  };
}
