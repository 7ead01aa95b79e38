import { Type, type Static } from 'typebox';
import { LayerKind, LocalizedText, MAX_ZOOM, SOURCE_ID } from '../../wms/types.js';

export const BasemapLayer = Type.Object({
  name: Type.String({ description: 'WMS layer name' }),
  title: LocalizedText,
  kind: LayerKind,
  minZoom: Type.Integer(),
  maxZoom: Type.Integer(),
  bounds: Type.Optional(Type.Array(Type.Number(), { minItems: 4, maxItems: 4, description: '[west, south, east, north] in WGS-84' })),
  tiles: Type.Array(Type.String(), { description: 'Raster tile URL template of this server’s /wms proxy (256 px, EPSG:3857).' }),
});

export const BasemapSource = Type.Object({
  id: Type.String(),
  title: LocalizedText,
  attribution: Type.String({ description: 'Show it on the map whenever a layer of this source is visible.' }),
  origin: Type.Union([Type.Literal('catalog'), Type.Literal('admin')]),
  keyRequired: Type.Boolean({ description: 'The upstream needs a service key (held by the server, never sent here).' }),
  available: Type.Boolean({ description: 'False when a key is required but none is configured; its tiles are placeholders.' }),
  layers: Type.Array(BasemapLayer),
});
export type BasemapSource = Static<typeof BasemapSource>;

export const OfflineBasemap = Type.Object({
  id: Type.Literal('none'),
  title: LocalizedText,
  kind: Type.Literal('plain'),
  background: Type.String({ description: 'CSS colour of the plain background; the client draws the municipality outline on it.' }),
});

export const BasemapCatalog = Type.Object({
  sources: Type.Array(BasemapSource),
  fallback: OfflineBasemap,
  default: Type.Union([Type.Object({ sourceId: Type.String(), layer: Type.String() }), Type.Null()], {
    description: 'The basemap to open with: the first available orthophoto, or null for the plain fallback.',
  }),
});

export const AddSourceBody = Type.Object(
  {
    url: Type.String({ minLength: 1, maxLength: 2000, description: 'WMS endpoint, e.g. https://lvmgeoserver.lvm.lv/geoserver/ows' }),
    id: Type.Optional(Type.String({ pattern: SOURCE_ID, description: 'Defaults to the host name plus a short hash of the URL.' })),
    title: Type.Optional(LocalizedText),
    attribution: Type.Optional(Type.String({ maxLength: 300 })),
    keyEnv: Type.Optional(
      Type.String({ pattern: '^[A-Z][A-Z0-9_]*_WMS_KEY$', description: 'Environment variable with the service key, e.g. LGIA_WMS_KEY.' }),
    ),
    keyParam: Type.Optional(Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_.-]{0,40}$', description: 'Query parameter the key goes in (default "key").' })),
  },
  { additionalProperties: false },
);

export const AddSourceResult = Type.Object({
  source: BasemapSource,
  skippedLayers: Type.Array(Type.String(), { description: 'Layers left out because they do not offer EPSG:3857.' }),
});

export { MAX_ZOOM };
