import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fixture } from '../../helpers/fixtureMunicipality.js';
import { describeWhen, hasCommand } from '../../helpers/requirements.js';
import { describeEachDatabase } from '../../helpers/testApp.js';

const execFileAsync = promisify(execFile);

/** Runs a GDAL tool with a time limit; local requests never go through a proxy. */
async function gdal(command: string, args: string[]): Promise<string> {
  const { stdout } = await execFileAsync(command, args, {
    timeout: 60_000,
    env: { ...process.env, NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost', GDAL_HTTP_TIMEOUT: '30' },
  });
  return stdout;
}

describeWhen(hasCommand('ogrinfo') && hasCommand('ogr2ogr'), 'OGC API – Features read by GDAL', 'GDAL (ogrinfo/ogr2ogr) is not installed', () => {
  describeEachDatabase(
    'GDAL OAPIF driver',
    (ctx) => {
      let dir = '';
      beforeAll(async () => {
        dir = await mkdtemp(path.join(tmpdir(), 'ogc-gdal-'));
      });
      afterAll(async () => {
        await rm(dir, { recursive: true, force: true });
      });

      it('ogrinfo lists the collections', { timeout: 90_000 }, async () => {
        const out = await gdal('ogrinfo', ['-ro', '-so', `OAPIF:${ctx().url}/ogc`]);
        for (const id of ['testa-addresses', 'testa-sewer-connections', 'testa-street-transfers', 'testa-sewer-mains']) {
          expect(out).toMatch(new RegExp(`^\\d+: ${id}\\b`, 'm'));
        }
      });

      it('ogrinfo summarises testa-addresses: 30 points in WGS 84 with the public fields', { timeout: 90_000 }, async () => {
        const out = await gdal('ogrinfo', ['-ro', '-al', '-so', `OAPIF:${ctx().url}/ogc`, 'testa-addresses']);
        expect(out).toMatch(/Geometry: Point/);
        expect(out).toMatch(new RegExp(`Feature Count: ${fixture.addressCount}\\b`));
        expect(out).toMatch(/full_address: String/);
        expect(out).not.toMatch(/owner_name/);
        expect(out).toMatch(/WGS 84/);
      });

      it('ogrinfo types fields from the JSON Schema, so a date empty on the first page stays a date', { timeout: 90_000 }, async () => {
        const out = await gdal('ogrinfo', ['-ro', '-al', '-so', `OAPIF:${ctx().url}/ogc`, 'testa-sewer-connections']);
        expect(out).toMatch(/connected_on: Date/);
        expect(out).toMatch(/cofinancing_eur: Real/);
        expect(out).toMatch(new RegExp(`Feature Count: ${fixture.sewerConnectionCount}\\b`));
      });

      it('ogr2ogr copies testa-addresses with every feature and the text intact', { timeout: 90_000 }, async () => {
        const target = path.join(dir, `addresses-${ctx().kind}.geojson`);
        // A small page size makes GDAL follow the next links, as it would on a large layer.
        await gdal('ogr2ogr', ['-f', 'GeoJSON', target, `OAPIF:${ctx().url}/ogc`, 'testa-addresses', '-oo', 'PAGE_SIZE=7']);
        const copied = JSON.parse(await readFile(target, 'utf8'));
        expect(copied.features).toHaveLength(fixture.addressCount);
        const addresses: string[] = copied.features.map((f: any) => f.properties.full_address);
        expect(new Set(addresses).size).toBe(fixture.addressCount);
        for (const street of ['Mārupes iela', 'Ķekavas iela', 'Šosejas iela']) {
          expect(addresses.some((a) => a.startsWith(street))).toBe(true);
        }
        const [lon, lat] = copied.features[0].geometry.coordinates;
        expect(lon).toBeCloseTo(24.018, 2);
        expect(lat).toBeCloseTo(56.854, 2);
      });

      it('ogr2ogr reprojects the copy to EPSG:3059 onto the stored coordinates', { timeout: 90_000 }, async () => {
        // GDAL 3.6's OAPIF driver has no CRS open option (Part 2 support came in 3.7), so it reads
        // CRS84 and reprojects itself; the result must land back on the stored grid.
        const target = path.join(dir, `addresses-3059-${ctx().kind}.geojson`);
        await gdal('ogr2ogr', ['-f', 'GeoJSON', '-t_srs', 'EPSG:3059', '-lco', 'RFC7946=NO', target, `OAPIF:${ctx().url}/ogc`, 'testa-addresses']);
        const copied = JSON.parse(await readFile(target, 'utf8'));
        const [x, y] = copied.features[0].geometry.coordinates;
        expect(x).toBeCloseTo(501100, 1);
        expect(y).toBeCloseTo(301100, 1);
      });
    },
    { listen: true },
  );

  it('PROJ defines EPSG:3059 with northing first, the order crs=EPSG:3059 is served in', async () => {
    const wkt = await gdal('gdalsrsinfo', ['-o', 'wkt2_2019', 'EPSG:3059']);
    const northing = wkt.search(/AXIS\["northing/);
    const easting = wkt.search(/AXIS\["easting/);
    expect(northing).toBeGreaterThan(0);
    expect(northing).toBeLessThan(easting);
  });
});
