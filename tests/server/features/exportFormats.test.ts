import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { csvHeader, csvRecord, csvStream, csvValue, geojsonStream } from '../../../server/src/features/exportFormats.js';
import type { ExportRow } from '../../../server/src/features/repository.js';
import type { ResolvedLayer } from '../../../server/src/layers/registry.js';
import type { LayerField } from '../../../server/src/layers/types.js';

const fields: LayerField[] = [
  { name: 'name', type: 'text', title: { lv: 'Nosaukums' } },
  { name: 'status', type: 'text', title: { lv: 'Statuss' }, values: { applied: { lv: 'Iesniegts pieteikums' } } },
  { name: 'amount', type: 'number', title: { lv: 'Summa, EUR' } },
  { name: 'open', type: 'boolean', title: { lv: 'Atvērts' } },
  { name: 'phone', type: 'text', title: { lv: 'Tālrunis' }, restricted: true },
];
const layer = { id: 'testa-things', fields, geometryType: 'Point' } as unknown as ResolvedLayer;

async function* batches(...rows: ExportRow[][]) {
  for (const batch of rows) yield batch;
}

const text = async (stream: NodeJS.ReadableStream) => {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
};

describe('CSV export format', () => {
  it('writes values as a Latvian Excel user reads them', () => {
    expect(csvValue(fields[2], 1200.5)).toBe('1200,5');
    expect(csvValue(fields[1], 'applied')).toBe('Iesniegts pieteikums');
    expect(csvValue(fields[1], 'unknown_code')).toBe('unknown_code');
    expect(csvValue(fields[3], true)).toBe('jā');
    expect(csvValue(fields[3], false)).toBe('nē');
    expect(csvValue(fields[0], null)).toBe('');
  });

  it('keeps cells that Excel would run as formulas as text', () => {
    for (const formula of ['=HYPERLINK("http://x")', '+1+2', '-2+3', '@SUM(A1)']) {
      expect(csvValue(fields[0], formula)).toBe(`'${formula}`);
    }
    expect(csvValue(fields[0], 'Lielā iela 1')).toBe('Lielā iela 1');
    expect(csvValue(fields[2], -3.5)).toBe('-3,5');
  });

  it('leaves restricted fields out of headers and records and puts X (northing) before Y', () => {
    expect(csvHeader(layer)).toEqual(['ID', 'Nosaukums', 'Statuss', 'Summa, EUR', 'Atvērts', 'X (LKS-92)', 'Y (LKS-92)', 'Garums (WGS-84)', 'Platums (WGS-84)']);
    const row: ExportRow = {
      id: 3,
      properties: { name: 'Ķekava', status: 'applied', amount: 2, open: null, phone: '+371' },
      anchor: { x: 501500, y: 301100.456, lon: 24.02459581, lat: 56.8 },
    };
    expect(csvRecord(layer, row)).toEqual(['3', 'Ķekava', 'Iesniegts pieteikums', '2', '', '301100,46', '501500,00', '24,0245958', '56,8000000']);
  });

  it('streams UTF-8 with a BOM, ";" and CRLF, quoting where needed', async () => {
    const bytes = await text(
      csvStream(
        layer,
        batches([{ id: 1, properties: { name: 'A; "B"\nC' }, anchor: null }], [{ id: 2, properties: { name: 'Šķūņi' }, anchor: null }]),
      ),
    );
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csv = bytes.toString('utf8');
    expect(csv.split('\r\n')[0]).toBe('\uFEFFID;Nosaukums;Statuss;Summa, EUR;Atvērts;X (LKS-92);Y (LKS-92);Garums (WGS-84);Platums (WGS-84)');
    const rows = parse(csv, { bom: true, delimiter: ';' });
    expect(rows.map((r: string[]) => r[1])).toEqual(['Nosaukums', 'A; "B"\nC', 'Šķūņi']);
  });
});

describe('GeoJSON export format', () => {
  it('streams a FeatureCollection across batches', async () => {
    const json = JSON.parse(
      (
        await text(
          geojsonStream(
            batches(
              [{ id: 1, properties: { a: 'ā' }, geometry: '{"type":"Point","coordinates":[24,57]}' }],
              [{ id: 'x', properties: {}, geometry: null }],
            ),
          ),
        )
      ).toString('utf8'),
    );
    expect(json).toEqual({
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', id: 1, geometry: { type: 'Point', coordinates: [24, 57] }, properties: { a: 'ā' } },
        { type: 'Feature', id: 'x', geometry: null, properties: {} },
      ],
    });
    expect(JSON.parse((await text(geojsonStream(batches()))).toString())).toEqual({ type: 'FeatureCollection', features: [] });
  });
});
