import type { WmsSource } from './types.js';

/** A catalog source as far as key binding cares: where it points and who owns it (null: shared). */
export interface KeyedSource {
  url: string;
  keyEnv?: string;
  municipalityId: number | null;
}

export interface KeyringOptions {
  /** The shipped catalog (data/wms-sources.json): the hosts each key was issued for. */
  shipped: WmsSource[];
  /** The server-wide key in the environment (`*_WMS_KEY`). */
  serverKey(name: string): string | undefined;
  /** A municipality's own key of that name (its settings), if any. */
  municipalKey(municipalityId: number, name: string): Promise<string | undefined>;
}

/**
 * Decides which service key may go to which WMS host, so that naming a key variable on a source
 * of one's own never sends someone else's key there:
 * - the server-wide key `X_WMS_KEY` goes only to the hosts of the shipped catalog's sources that
 *   name `X_WMS_KEY` (the operator wrote both);
 * - a municipality's key of that name goes to those hosts too, and to the municipality's own
 *   sources (its administrators chose both the key and the host); never to another
 *   municipality's or a shared source elsewhere.
 */
export class WmsKeyring {
  private readonly hosts = new Map<string, Set<string>>();

  constructor(private readonly opts: KeyringOptions) {
    for (const source of opts.shipped) {
      if (!source.keyEnv) continue;
      const hosts = this.hosts.get(source.keyEnv) ?? new Set<string>();
      hosts.add(hostOf(source.url));
      this.hosts.set(source.keyEnv, hosts);
    }
  }

  /**
   * The key to send with a request to `source` made for `municipalityId`, or undefined when no key
   * may go there.
   */
  async keyFor(source: KeyedSource, municipalityId?: number): Promise<string | undefined> {
    const name = source.keyEnv;
    if (!name) return undefined;
    const issuedFor = this.hosts.get(name)?.has(hostOf(source.url)) ?? false;
    if (municipalityId !== undefined && (issuedFor || source.municipalityId === municipalityId)) {
      const own = await this.opts.municipalKey(municipalityId, name);
      if (own) return own;
    }
    return issuedFor ? this.opts.serverKey(name) : undefined;
  }
}

/** host[:port], lower case, as keys are bound to it; '' (bound to nothing) for what is not a URL. */
function hostOf(url: string): string {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return '';
  }
}
