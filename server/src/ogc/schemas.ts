import { Type } from 'typebox';
import { servedCrs } from './crs.js';

/** Largest page a client gets; larger `limit` values are served as this (see `limit` below). */
export const MAX_LIMIT = 10_000;
export const DEFAULT_LIMIT = 10;
/** Beyond any layer this platform holds; bounds `offset` so it always fits PostgreSQL's OFFSET. */
export const MAX_OFFSET = 2_147_483_647;

export const languages = ['lv', 'en', 'uk'] as const;
export type Language = (typeof languages)[number];

export const Link = Type.Object({
  href: Type.String(),
  rel: Type.String(),
  type: Type.Optional(Type.String()),
  title: Type.Optional(Type.String()),
});

/** Query parameters every /ogc resource accepts. */
const common = {
  lang: Type.Optional(
    Type.Enum([...languages], {
      description: 'Language of titles and descriptions (lv, en, uk). Without it, Accept-Language is honoured; default lv.',
    }),
  ),
  f: Type.Optional(
    Type.Enum(['json', 'geojson'], { description: 'Output format. Only JSON (GeoJSON for features) is offered.' }),
  ),
};

export const CommonQuery = Type.Object(common, { additionalProperties: false });

const crsUris = servedCrs.map((c) => c.uri);
const crsParameter = (what: string) =>
  Type.Optional(
    Type.String({
      maxLength: 200,
      description: `${what} One of ${crsUris.join(', ')}; EPSG:3059 and EPSG:4326 are accepted as short forms. Default CRS84.`,
    }),
  );

export const ItemsQuery = Type.Object(
  {
    limit: Type.Optional(
      Type.Integer({
        minimum: 1,
        default: DEFAULT_LIMIT,
        description: `Page size, default ${DEFAULT_LIMIT}, at most ${MAX_LIMIT}. A larger value is served as ${MAX_LIMIT} (the server-limited page the standard allows) and the next link continues from there.`,
      }),
    ),
    offset: Type.Optional(
      Type.Integer({ minimum: 0, maximum: MAX_OFFSET, default: 0, description: 'Number of features to skip (features are in id order).' }),
    ),
    bbox: Type.Optional(
      Type.String({
        maxLength: 400,
        description:
          'Only features intersecting this box: four numbers in the axis order of bbox-crs — CRS84: min lon, min lat, max lon, max lat; ' +
          'EPSG:3059: min northing, min easting, max northing, max easting; EPSG:4326: min lat, min lon, max lat, max lon. 3D boxes are refused.',
      }),
    ),
    'bbox-crs': crsParameter('CRS of bbox.'),
    crs: crsParameter('CRS of the returned geometries (OGC API – Features Part 2); coordinates follow its axis order.'),
    ...common,
  },
  { additionalProperties: false },
);

export const FeatureQuery = Type.Object({ crs: crsParameter('CRS of the returned geometry.'), ...common }, { additionalProperties: false });

export const CollectionParams = Type.Object({ collectionId: Type.String({ description: 'A layer id, e.g. marupe-addresses.' }) });
export const FeatureParams = Type.Object({
  collectionId: Type.String({ description: 'A layer id, e.g. marupe-addresses.' }),
  featureId: Type.String({ description: "The feature's id (the layer's id column)." }),
});

export const LandingPage = Type.Object({
  title: Type.String(),
  description: Type.String(),
  links: Type.Array(Link),
});

export const Conformance = Type.Object({ conformsTo: Type.Array(Type.String()) });

export const Collection = Type.Object({
  id: Type.String(),
  title: Type.String(),
  description: Type.Optional(Type.String()),
  itemType: Type.Literal('feature'),
  extent: Type.Optional(
    Type.Object({
      spatial: Type.Object({
        bbox: Type.Array(Type.Array(Type.Number(), { minItems: 4, maxItems: 4 })),
        crs: Type.String(),
      }),
    }),
  ),
  crs: Type.Array(Type.String()),
  storageCrs: Type.String(),
  restricted: Type.Optional(Type.Boolean({ description: 'The layer holds personal data; its items need an authorised role.' })),
  links: Type.Array(Link),
});

export const Collections = Type.Object({
  links: Type.Array(Link),
  collections: Type.Array(Collection),
  crs: Type.Array(Type.String()),
});

// Geometry and properties are written as they come from PostGIS; declaring their inner shape
// would only slow the serialiser down on 10 000-feature pages.
export const Feature = Type.Object({
  type: Type.Literal('Feature'),
  id: Type.Union([Type.String(), Type.Number()]),
  geometry: Type.Unknown({ description: 'GeoJSON geometry in the requested CRS and its axis order.' }),
  properties: Type.Record(Type.String(), Type.Unknown()),
  links: Type.Optional(Type.Array(Link)),
});

export const FeatureCollection = Type.Object({
  type: Type.Literal('FeatureCollection'),
  features: Type.Array(Feature),
  links: Type.Array(Link),
  numberMatched: Type.Integer(),
  numberReturned: Type.Integer(),
  timeStamp: Type.String({ format: 'date-time' }),
});
