import pg from 'pg';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { LayerRegistry, type ResolvedLayer } from '../../../server/src/layers/registry.js';
import { createTileRepository, type TileRepository } from '../../../server/src/tiles/tileRepository.js';
import type { TileCoordinates } from '../../../server/src/tiles/tileCoordinates.js';
import { describeWhen } from '../../helpers/requirements.js';
import { decodeTile, surveyorArea, tileOf, type DecodedFeature } from './tileTestKit.js';

/**
 * The server-side encoder (used where the database has no ST_AsMVT, as in the embedded build)
 * must give what PostGIS's own ST_AsMVT gives. Only a real PostGIS has both, so this runs there.
 */
describeWhen(Boolean(inject('realDatabaseUrl')), 'server-encoded tiles match ST_AsMVT', 'TEST_DATABASE_URL is not set', () => {
  let pool: pg.Pool;
  let postgis: TileRepository;
  let server: TileRepository;

  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: inject('realDatabaseUrl')!, max: 2 });
    postgis = createTileRepository(pool, { mvt: true, postgisVersion: '', serverVersion: '' });
    server = createTileRepository(pool, { mvt: false, postgisVersion: '', serverVersion: '' });
    await createProbeTable(pool);
  });
  afterAll(async () => {
    await pool?.query('DROP TABLE IF EXISTS tile_probe');
    await pool?.end();
  });

  it('gives the same features, properties and geometry (within a pixel) for every fixture layer', async () => {
    const layers = (await new LayerRegistry(pool).list()).filter((l) => l.id.startsWith('testa-') && !l.restricted);
    expect(layers.length).toBeGreaterThan(8);
    const tiles = tilesCovering([500000, 300000, 510000, 310000], [8, 10, 12, 13, 14]);
    const problems: string[] = [];
    let matched = 0;
    for (const layer of layers) {
      for (const tile of tiles) matched += await compareTile(layer, tile, problems);
    }
    expect(problems).toEqual([]);
    expect(matched).toBeGreaterThan(100);
  });

  it('gives the same shapes for curved, holed, thin, collapsing and self-touching geometry at every zoom', async () => {
    const layer = probeLayer();
    const tiles = tilesCovering([520000, 300000, 524000, 304000], [6, 9, 11, 12, 13, 14, 15]);
    const problems: string[] = [];
    let matched = 0;
    for (const tile of tiles) matched += await compareTile(layer, tile, problems);
    expect(problems).toEqual([]);
    expect(matched).toBeGreaterThan(300);
  });

  /** Compares one tile from both encoders; returns how many features matched, records mismatches. */
  async function compareTile(layer: ResolvedLayer, tile: TileCoordinates, problems: string[]): Promise<number> {
    const [a, b] = await Promise.all([postgis.fetchTile(layer, tile), server.fetchTile(layer, tile)]);
    const where = `${layer.id} ${tile.z}/${tile.x}/${tile.y}`;
    if ((a.length === 0) !== (b.length === 0)) problems.push(`${where}: empty on one side only`);
    if (!a.length || !b.length) return 0;
    const expected = decodeTile(a)[layer.id];
    const actual = decodeTile(b)[layer.id];
    if (actual.extent !== expected.extent) problems.push(`${where}: extent ${actual.extent}`);
    const byId = new Map(actual.features.map((f) => [f.id, f]));
    const wantIds = expected.features.map((f) => f.id).sort(numeric);
    const gotIds = actual.features.map((f) => f.id).sort(numeric);
    if (JSON.stringify(wantIds) !== JSON.stringify(gotIds)) problems.push(`${where}: ids ${gotIds} instead of ${wantIds}`);
    let matched = 0;
    for (const want of expected.features) {
      const got = byId.get(want.id);
      if (!got) continue;
      const at = `${where} feature ${want.id}`;
      const before = problems.length;
      if (got.type !== want.type) problems.push(`${at}: type ${got.type} instead of ${want.type}`);
      if (JSON.stringify(sorted(got.properties)) !== JSON.stringify(sorted(want.properties))) {
        problems.push(`${at}: properties ${JSON.stringify(got.properties)} instead of ${JSON.stringify(want.properties)}`);
      }
      const distance = geometryDistance(got, want);
      if (distance > 1.5) problems.push(`${at}: geometry ${distance.toFixed(1)} px apart`);
      if (want.type === 3) {
        // Clipping may round a cut edge the other way: up to a pixel along the outline.
        const areaGap = Math.abs(totalArea(got) - totalArea(want));
        if (areaGap > perimeter(want) + 4) problems.push(`${at}: area differs by ${areaGap}`);
        if (exteriorRings(got) !== exteriorRings(want)) problems.push(`${at}: ${exteriorRings(got)} exterior rings instead of ${exteriorRings(want)}`);
      }
      if (problems.length === before) matched++;
    }
    return matched;
  }
});

const numeric = (a: number | undefined, b: number | undefined) => (a ?? -1) - (b ?? -1);

/** Every tile at the given zooms that overlaps an EPSG:3059 box. */
function tilesCovering(box: [number, number, number, number], zooms: number[]): TileCoordinates[] {
  const tiles: TileCoordinates[] = [];
  for (const z of zooms) {
    const nw = tileOf(box[0], box[3], z);
    const se = tileOf(box[2], box[1], z);
    for (let x = nw.x; x <= se.x; x++) for (let y = nw.y; y <= se.y; y++) tiles.push({ z, x, y });
  }
  return tiles;
}

type P = { x: number; y: number };

/** Largest distance from a vertex of one geometry to the outline of the other, both ways. */
function geometryDistance(a: DecodedFeature, b: DecodedFeature): number {
  return Math.max(oneWay(a, b), oneWay(b, a));
}

function oneWay(from: DecodedFeature, to: DecodedFeature): number {
  let worst = 0;
  for (const ring of from.geometry) {
    for (const p of ring) {
      let best = Infinity;
      for (const other of to.geometry) {
        const closed = to.type === 3 ? [...other, other[0]] : other;
        if (closed.length === 1) best = Math.min(best, Math.hypot(p.x - closed[0].x, p.y - closed[0].y));
        for (let i = 1; i < closed.length; i++) best = Math.min(best, segmentDistance(p, closed[i - 1], closed[i]));
      }
      worst = Math.max(worst, best);
    }
  }
  return worst;
}

function segmentDistance(p: P, a: P, b: P): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const t = dx || dy ? Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / (dx * dx + dy * dy))) : 0;
  return Math.hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
}

const sorted = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
const exteriorRings = (f: DecodedFeature) => f.geometry.filter((ring) => surveyorArea(ring) > 0).length;
const totalArea = (f: DecodedFeature) => f.geometry.reduce((sum, ring) => sum + surveyorArea(ring), 0);
const perimeter = (f: DecodedFeature) =>
  f.geometry.reduce(
    (sum, ring) => sum + ring.reduce((s, p, i) => s + Math.hypot(p.x - ring[(i + 1) % ring.length].x, p.y - ring[(i + 1) % ring.length].y), 0),
    0,
  );

/**
 * Shapes that stress clipping and quantisation, 20 km east of the fixture: circles (many
 * vertices), a ring with a hole, a multipolygon, a dense zig-zag line, a multipoint, a polygon
 * of one square metre (collapses below a pixel), a bow-tie that snapping makes touch itself and
 * short lines around the half-pixel size below which a tile leaves them out.
 */
async function createProbeTable(pool: pg.Pool) {
  await pool.query(`DROP TABLE IF EXISTS tile_probe;
    CREATE TABLE tile_probe (id integer PRIMARY KEY, label text, size double precision, geom geometry(Geometry, 3059));
    INSERT INTO tile_probe
    SELECT g, 'circle ' || g, 40 + (g * 37) % 400,
           ST_Buffer(ST_SetSRID(ST_MakePoint(520000 + (g * 733) % 4000, 300000 + (g * 1231) % 4000), 3059), 40 + (g * 37) % 400, 16)
      FROM generate_series(1, 40) AS g;
    INSERT INTO tile_probe VALUES
      (101, 'holed', 1, ST_Difference(ST_Buffer(ST_SetSRID(ST_MakePoint(522000, 302000), 3059), 900, 32),
                                      ST_Buffer(ST_SetSRID(ST_MakePoint(522200, 302100), 3059), 300, 32))),
      (102, 'multi', 2, ST_Collect(ST_MakeEnvelope(521000, 300500, 521300, 300800, 3059),
                                   ST_MakeEnvelope(521500, 300500, 521510, 303500, 3059))),
      (103, 'zigzag', 3, (SELECT ST_MakeLine(ST_SetSRID(ST_MakePoint(520000 + i * 7, 301000 + (i % 2) * 3 + i), 3059) ORDER BY i)
                            FROM generate_series(0, 570) AS i)),
      (104, 'points', 4, ST_Collect(ARRAY[ST_SetSRID(ST_MakePoint(520100, 303900), 3059), ST_SetSRID(ST_MakePoint(520101, 303900), 3059),
                                          ST_SetSRID(ST_MakePoint(523900, 300100), 3059)])),
      (105, 'speck', 5, ST_MakeEnvelope(523000, 303000, 523001, 303001, 3059)),
      (106, 'bowtie', 6, ST_GeomFromText('POLYGON((520500 303000, 521500 303000, 521000 303004, 521500 303008, 520500 303008, 521000 303004.5, 520500 303000))', 3059)),
      (107, 'crossing line', 7, ST_GeomFromText('LINESTRING(519000 299000, 525000 305000, 519500 305200)', 3059));
    -- Short pipes of 2–90 m: each zoom drops those under half a pixel, as ST_AsMVTGeom does.
    INSERT INTO tile_probe
    SELECT 200 + g, 'stub ' || g, g * 3,
           ST_MakeLine(ST_SetSRID(ST_MakePoint(520300 + g * 97, 303500 + g * 13), 3059),
                       ST_SetSRID(ST_MakePoint(520300 + g * 97 + g * 3, 303500 + g * 13 + g), 3059))
      FROM generate_series(1, 30) AS g`);
}

function probeLayer(): ResolvedLayer {
  const quote = (s: string) => `"${s}"`;
  return {
    id: 'tile-probe',
    municipalityId: null,
    group: 'uploads',
    title: { lv: 'Zonde' },
    description: {},
    sourceTable: 'tile_probe',
    idColumn: 'id',
    geometryColumn: 'geom',
    sourceFilter: {},
    geometryType: 'Polygon',
    fields: [
      { name: 'label', type: 'text', title: { lv: 'Nosaukums' } },
      { name: 'size', type: 'number', title: { lv: 'Izmērs' } },
    ],
    style: {},
    restricted: false,
    readRole: 'public',
    minZoom: 0,
    maxZoom: 22,
    sortOrder: 0,
    dataVersion: 1,
    sql: {
      table: quote('tile_probe'),
      id: quote('id'),
      geom: quote('geom'),
      publicColumns: [quote('label'), quote('size')],
      allColumns: [quote('label'), quote('size')],
      filter: () => ({ conditions: [], values: [] }),
    },
  };
}
