/** Typed access to the server API. Every function takes an AbortSignal. */

export interface LocalizedText {
  lv: string;
  en?: string;
  uk?: string;
}

export interface Health {
  status: 'ok' | 'degraded';
  database: { mode: 'embedded' | 'external'; reachable: boolean; server: string; mvt: boolean };
  postgis: string;
}

export interface LayerSummary {
  id: string;
  group: string;
  title: LocalizedText;
  geometryType: string;
  featureCount: number;
  extent: [number, number, number, number] | null;
  restricted: boolean;
  style: Record<string, unknown>;
  tileJson: { tiles: string[]; minzoom: number; maxzoom: number };
}

async function getJson<T>(url: string, { signal }: { signal?: AbortSignal } = {}): Promise<T> {
  const response = await fetch(url, { signal, headers: { accept: 'application/json' } });
  if (!response.ok) {
    const body = await response.json().catch(() => null);
    throw new Error(body?.message ?? `${url} answered ${response.status}`);
  }
  return response.json() as Promise<T>;
}

export const fetchHealth = (opts: { signal?: AbortSignal } = {}) => getJson<Health>('/api/health', opts);

export const fetchLayers = async (opts: { signal?: AbortSignal } = {}) =>
  (await getJson<{ layers: LayerSummary[] }>('/api/layers', opts)).layers;
