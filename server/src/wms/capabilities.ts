import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** A named layer of a WMS, with what it inherits from its parent layers already applied. */
export interface CapabilitiesLayer {
  name: string;
  title: string;
  /** Every CRS the layer may be requested in (its own plus its ancestors'), upper-case. */
  crs: string[];
  offers3857: boolean;
  /** [west, south, east, north] in WGS-84. */
  bounds?: [number, number, number, number];
  /** [minEasting, minNorthing, maxEasting, maxNorthing] in LKS-92 / Latvia TM (EPSG:3059). */
  lksBounds?: [number, number, number, number];
}

export interface WmsCapabilities {
  version: '1.3.0' | '1.1.1';
  title: string;
  getMapFormats: string[];
  layers: CapabilitiesLayer[];
}

/** The document is not usable WMS capabilities; the message says what it is instead. */
export class CapabilitiesError extends Error {}

/**
 * CRSs whose WMS 1.3.0 bounding boxes list latitude/northing first (EPSG axis order). In 1.1.1
 * every bounding box is x/easting first.
 */
const NORTHING_FIRST = new Set(['EPSG:4326', 'EPSG:4258', 'EPSG:3059']);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  // Layer names such as "0" or "1e3" must stay text.
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (name) => ['Layer', 'CRS', 'SRS', 'BoundingBox', 'Format', 'ServiceException'].includes(name),
});

type Node = Record<string, any>;

/**
 * Parses a WMS 1.3.0 or 1.1.1 GetCapabilities document into its named layers, applying the
 * inheritance rules (CRS/SRS add up down the tree; bounding boxes are replaced by a child's own).
 * @throws CapabilitiesError for HTML, non-XML, a ServiceException or XML of another kind
 */
export function parseCapabilities(text: string): WmsCapabilities {
  if (/^\s*(<\?xml[^>]*>\s*)?<(!doctype\s+html|html)[\s>]/i.test(text)) {
    throw new CapabilitiesError('answered with an HTML page, not WMS capabilities — is this the WMS endpoint URL?');
  }
  if (!text.trimStart().startsWith('<') || XMLValidator.validate(text) !== true) {
    throw new CapabilitiesError('answered with something that is not XML, so not WMS capabilities');
  }
  const doc: Node = parser.parse(text);
  const rootName = Object.keys(doc).find((k) => !k.startsWith('?') && !k.startsWith('#') && !k.startsWith('!'));
  const root: Node = rootName ? doc[rootName] : {};
  if (rootName === 'ServiceExceptionReport') {
    const exception = root.ServiceException?.[0];
    const message = typeof exception === 'string' ? exception : exception?.['#text'] ?? '';
    throw new CapabilitiesError(`answered with a WMS error: ${String(message).replace(/\s+/g, ' ').trim().slice(0, 300) || 'ServiceException'}`);
  }
  if (rootName !== 'WMS_Capabilities' && rootName !== 'WMT_MS_Capabilities') {
    throw new CapabilitiesError(`answered with XML that is not WMS capabilities (root element <${rootName ?? '?'}>)`);
  }
  const version = rootName === 'WMS_Capabilities' ? '1.3.0' : '1.1.1';
  const capability: Node = root.Capability ?? {};
  const layers: CapabilitiesLayer[] = [];
  for (const top of asArray(capability.Layer)) collectLayers(top, version, { crs: [], boxes: new Map() }, layers);
  return {
    version,
    title: textOf(root.Service?.Title) || 'WMS',
    getMapFormats: asArray(capability.Request?.GetMap?.Format).map((f) => textOf(f)),
    layers,
  };
}

interface Inherited {
  crs: string[];
  geographic?: [number, number, number, number];
  /** Bounding boxes by CRS, normalised to x/easting first. */
  boxes: Map<string, [number, number, number, number]>;
}

function collectLayers(node: Node, version: '1.3.0' | '1.1.1', parent: Inherited, out: CapabilitiesLayer[]) {
  const own = [...asArray(node.CRS), ...asArray(node.SRS)].flatMap((c) => textOf(c).split(/\s+/)).filter(Boolean).map((c) => c.toUpperCase());
  const crs = [...new Set([...parent.crs, ...own])];
  const geographic = geographicBox(node, version) ?? parent.geographic;
  const boxes = new Map(parent.boxes);
  for (const box of asArray(node.BoundingBox)) {
    const code = String(box['@_CRS'] ?? box['@_SRS'] ?? '').toUpperCase();
    const values = ['@_minx', '@_miny', '@_maxx', '@_maxy'].map((k) => Number(box[k]));
    if (!code || values.some((v) => !Number.isFinite(v))) continue;
    const [a, b, c, d] = values;
    boxes.set(code, version === '1.3.0' && NORTHING_FIRST.has(code) ? [b, a, d, c] : [a, b, c, d]);
  }
  const name = textOf(node.Name);
  if (name) {
    out.push({
      name,
      title: textOf(node.Title) || name,
      crs,
      offers3857: crs.includes('EPSG:3857'),
      bounds: geographic ?? boxes.get('CRS:84') ?? boxes.get('EPSG:4326'),
      lksBounds: boxes.get('EPSG:3059'),
    });
  }
  for (const child of asArray(node.Layer)) collectLayers(child, version, { crs, geographic, boxes }, out);
}

function geographicBox(node: Node, version: '1.3.0' | '1.1.1'): [number, number, number, number] | undefined {
  if (version === '1.3.0') {
    const g = node.EX_GeographicBoundingBox;
    if (!g) return undefined;
    return finite([g.westBoundLongitude, g.southBoundLatitude, g.eastBoundLongitude, g.northBoundLatitude]);
  }
  const g = node.LatLonBoundingBox;
  if (!g) return undefined;
  return finite([g['@_minx'], g['@_miny'], g['@_maxx'], g['@_maxy']]);
}

function finite(values: unknown[]): [number, number, number, number] | undefined {
  const numbers = values.map((v) => Number(v));
  return numbers.every((n) => Number.isFinite(n)) ? (numbers as [number, number, number, number]) : undefined;
}

function asArray<T>(value: T | T[] | undefined): T[] {
  return value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];
}

/** Element text whether the parser gave a string or an object with attributes. */
function textOf(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'object') return String((value as Node)['#text'] ?? '').trim();
  return String(value).trim();
}
