/// <reference types="svelte" />
/// <reference types="vite/client" />

import type { Map as MapLibreMap } from 'maplibre-gl';

declare global {
  interface Window {
    /** The explorer's map, for end-to-end tests and the browser console. */
    __map?: MapLibreMap;
    __gis?: { map: MapLibreMap; firstIdleMs: number | null; idle(): Promise<void> };
  }
}
