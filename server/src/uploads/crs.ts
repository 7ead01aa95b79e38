/** CRSs a Latvian GIS file is expected in, with the names the preview shows. */
export const knownCrs: Record<number, string> = {
  3059: 'LKS-92 / Latvia TM',
  25884: 'ETRS89 / TM Baltic93',
  3857: 'WGS 84 / Pseudo-Mercator',
  4326: 'WGS 84',
  3035: 'ETRS89 / LAEA Europe',
  10306: 'LKS-2020 / Latvia TM',
  4661: 'LKS-92 (geographic)',
};

/** Latvia's extent in degrees (lon/lat) with a margin of about 50 km. */
export const latviaLonLat = { minLon: 20.2, minLat: 55.2, maxLon: 29.0, maxLat: 58.5 };

/** `EPSG:3059`, `3059` or `epsg:3059` → 3059; anything else → undefined. */
export function parseEpsg(text: string | undefined): number | undefined {
  const m = text?.trim().match(/^(?:EPSG:)?(\d{4,6})$/i);
  return m ? Number(m[1]) : undefined;
}

/** The top-level `ID["EPSG",n]` / `AUTHORITY["EPSG","n"]` of a WKT, ignoring those of its parts. */
function topLevelEpsg(wkt: string): number | undefined {
  let depth = 0;
  let found: number | undefined;
  for (let i = 0; i < wkt.length; i++) {
    const c = wkt[i];
    if (c === '"') {
      i = wkt.indexOf('"', i + 1);
      if (i < 0) break;
    } else if (c === '[' || c === '(') depth++;
    else if (c === ']' || c === ')') depth--;
    else if (depth === 1 && (wkt.startsWith('ID[', i) || wkt.startsWith('AUTHORITY[', i)) && /[,\s[]/.test(wkt[i - 1] ?? ',')) {
      const m = wkt.slice(i).match(/^(?:ID|AUTHORITY)\["EPSG",\s*"?(\d+)"?/);
      if (m) found = Number(m[1]);
    }
  }
  return found;
}

/**
 * The EPSG code of a layer's CRS given as WKT (1 or 2, ESRI or OGC): its own authority code when
 * it carries one, otherwise recognised by name for the CRSs used in Latvia; undefined when unknown.
 * @example epsgFromWkt('PROJCS["LKS_1992_Latvia_TM",…]') // 3059
 */
export function epsgFromWkt(wkt: string): number | undefined {
  const text = wkt.trim();
  const own = topLevelEpsg(text);
  if (own) return own;
  const head = text.match(/^(PROJCS|PROJCRS|GEOGCS|GEOGCRS|GEODCRS|BOUNDCRS)\[\s*"([^"]*)"/i);
  if (!head) return undefined;
  const projected = head[1].toUpperCase().startsWith('PROJ');
  const name = head[2];
  if (projected) {
    if (/LKS[\s_-]?2020/i.test(name)) return 10306;
    if (/LKS[\s_-]?(19)?92|Latvia/i.test(name)) return 3059;
    if (/Baltic[\s_-]?(19)?93/i.test(name)) return 25884;
    if (/Pseudo[\s_-]?Mercator|Web[\s_-]?Mercator|Mercator_Auxiliary_Sphere/i.test(name)) return 3857;
    if (/LAEA|Lambert_Azimuthal/i.test(name) && /ETRS/i.test(name)) return 3035;
    return undefined;
  }
  if (/LKS[\s_-]?(19)?92/i.test(name)) return 4661;
  if (/WGS[\s_-]?(19)?84/i.test(name)) return 4326;
  return undefined;
}

/** A readable label: `EPSG:3059 (LKS-92 / Latvia TM)`. */
export const crsLabel = (epsg: number) => `EPSG:${epsg}${knownCrs[epsg] ? ` (${knownCrs[epsg]})` : ''}`;
