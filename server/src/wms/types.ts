import { Type, type Static } from 'typebox';

/** Text in the UI languages; Latvian is always present. */
export const LocalizedText = Type.Object(
  { lv: Type.String({ minLength: 1 }), en: Type.Optional(Type.String()), uk: Type.Optional(Type.String()) },
  { additionalProperties: false },
);

/** What a basemap layer shows; the client groups and picks defaults by it. */
export const LayerKind = Type.Union([Type.Literal('orthophoto'), Type.Literal('topographic'), Type.Literal('other')]);
export type LayerKind = Static<typeof LayerKind>;

/** Source ids appear in URLs and cache paths, so they are slugs. */
export const SOURCE_ID = '^[a-z0-9][a-z0-9-]{0,62}$';

/** Highest zoom the proxy serves; beyond it WMS servers only upscale. */
export const MAX_ZOOM = 20;

export const WmsLayer = Type.Object(
  {
    /** The WMS layer name sent in LAYERS=. */
    name: Type.String({ minLength: 1, maxLength: 200 }),
    title: LocalizedText,
    kind: LayerKind,
    minZoom: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_ZOOM })),
    maxZoom: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_ZOOM })),
    /** Extent [west, south, east, north] in WGS-84, when the capabilities give one. */
    bounds: Type.Optional(Type.Array(Type.Number(), { minItems: 4, maxItems: 4 })),
  },
  { additionalProperties: false },
);
export type WmsLayer = Static<typeof WmsLayer>;

/** One entry of the WMS source catalog (data/wms-sources.json or the wms_source table). */
export const WmsSource = Type.Object(
  {
    id: Type.String({ pattern: SOURCE_ID }),
    title: LocalizedText,
    url: Type.String({ pattern: '^https?://' }),
    version: Type.Union([Type.Literal('1.3.0'), Type.Literal('1.1.1')]),
    format: Type.Union([Type.Literal('image/png'), Type.Literal('image/jpeg')]),
    attribution: Type.String(),
    layers: Type.Array(WmsLayer, { minItems: 1 }),
    /** Environment variable holding the service key; must end in _WMS_KEY. */
    keyEnv: Type.Optional(Type.String({ pattern: '^[A-Z][A-Z0-9_]*_WMS_KEY$' })),
    /** Query parameter the key is sent as (default "key"). */
    keyParam: Type.Optional(Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_.-]*$' })),
    /** For people editing the catalog; not served. */
    note: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type WmsSource = Static<typeof WmsSource>;

export const WmsCatalogFile = Type.Object({
  $comment: Type.Optional(Type.String()),
  sources: Type.Array(WmsSource),
});
