import type { Static } from 'typebox';
import type { LayerStats } from '../layers/layerStats.js';
import type { ResolvedLayer } from '../layers/registry.js';
import type { LocalizedText } from '../layers/types.js';
import { CRS84, servedCrs, storageCrs } from './crs.js';
import { collectionUrl, itemsUrl, link, mediaType } from './links.js';
import type { Collection, Language } from './schemas.js';

const personalDataNote: Record<Language, string> = {
  lv: 'Slānī ir personas dati: tā objekti pieejami tikai pilnvarotām lomām.',
  en: 'This layer holds personal data: its features are available only to authorised roles.',
  uk: 'Шар містить персональні дані: його об’єкти доступні лише уповноваженим ролям.',
};

/** A text in the asked language, falling back to Latvian (always present in titles). */
export const localized = (text: Partial<LocalizedText>, lang: Language): string | undefined => text[lang] ?? text.lv;

/**
 * A layer as an OGC API collection: titles in the asked language, the CRS84 extent (null `stats`
 * for a reader who may not read the records: no extent), the CRSs its items can be had in, and a
 * note (but no records) for layers holding personal data.
 */
export function describeCollection(layer: ResolvedLayer, stats: LayerStats | null, base: string, lang: Language): Static<typeof Collection> {
  const description = [localized(layer.description, lang), layer.restricted ? personalDataNote[lang] : undefined].filter(Boolean).join(' ');
  return {
    id: layer.id,
    title: localized(layer.title, lang) ?? layer.id,
    ...(description ? { description } : {}),
    itemType: 'feature',
    ...(stats?.extent ? { extent: { spatial: { bbox: [stats.extent], crs: CRS84.uri } } } : {}),
    crs: servedCrs.map((c) => c.uri),
    storageCrs: storageCrs.uri,
    ...(layer.restricted ? { restricted: true } : {}),
    links: [
      link(collectionUrl(base, layer.id), 'self', mediaType.json),
      link(itemsUrl(base, layer.id), 'items', mediaType.geojson),
      // "describedBy" as GDAL 3.6 spells it (it compares case-sensitively); RFC 8288 relation
      // types are case-insensitive, so it is the same relation as "describedby".
      link(`${collectionUrl(base, layer.id)}/schema`, 'describedBy', mediaType.jsonSchema),
    ],
  };
}
