import type { Map as MapLibreMap } from 'maplibre-gl';
import { getContext, setContext } from 'svelte';

/** Holds the map once it has loaded; map components read `holder.map` and guard `if (!map) return`. */
export class MapHolder {
  map = $state.raw<MapLibreMap | null>(null);
}

const key = Symbol('map');
export const setMapHolder = (holder: MapHolder) => setContext(key, holder);
export const getMapHolder = () => getContext<MapHolder>(key);

/** Layer ids the explorer keeps as anchors: basemaps go below the first, data layers below the second. */
export const anchors = { basemap: 'anchor:basemap', data: 'anchor:data' } as const;
