import { describe, expect, it } from 'vitest';
import { ApiError, type Upload, type UploadLayer } from '../../client/src/lib/api.js';
import { catalogs } from '../../client/src/lib/i18n/messages.js';
import { problemMessages } from '../../server/src/uploads/problemMessages.js';
import {
  crsChoices,
  defaultKeep,
  formatBytes,
  isAcceptedFile,
  isWorking,
  needsCrs,
  pollDelay,
  problemsOf,
  problemText,
  publishBlocker,
  requestErrorText,
  publishRequest,
  type PublishChoices,
} from '../../client/src/lib/uploads/uploads.js';

const layer = (over: Partial<UploadLayer> = {}): UploadLayer => ({
  name: 'punkti',
  geometryType: 'Point',
  featureCount: 4,
  crs: 'EPSG:3059',
  encoding: 'UTF-8',
  fields: [
    { name: 'nosaukums', sourceName: 'Nosaukums', type: 'text' },
    { name: 'ipasnieks', sourceName: 'Īpašnieks', type: 'text' },
  ],
  ...over,
});
const upload = (layers: UploadLayer[]): Upload => ({ id: 'u1', status: 'ready', progress: 1, fileName: 'punkti.geojson', format: 'GeoJSON', layers, warnings: [], errors: [] });
const choices = (l: UploadLayer, over: Partial<PublishChoices> = {}): PublishChoices => ({
  layer: l,
  titleLv: 'Punkti',
  titleEn: '',
  keep: l.fields.map((f) => f.name),
  crs: l.crs ?? '',
  replaceLayerId: '',
  ...over,
});

describe('upload helpers', () => {
  it('accepts the GIS formats the server reads, in any case, and files without an extension', () => {
    for (const name of ['a.zip', 'Pieslēgumi.ZIP', 'b.gpkg', 'c.geojson', 'd.json', 'e.kml', 'f.KMZ', 'g.gpx', 'h.dxf', 'i.csv', 'j.xlsx', 'bez_paplasinajuma', 'C:\\dati\\ielas.shp.zip']) {
      expect(isAcceptedFile(name), name).toBe(true);
    }
    for (const name of ['notes.docx', 'ielas.shp', 'photo.png', '']) expect(isAcceptedFile(name), name).toBe(false);
  });

  it('polls while the server works, quickly at first', () => {
    expect(['queued', 'analysing', 'importing'].every((s) => isWorking(s as never))).toBe(true);
    expect(['ready', 'done', 'failed'].some((s) => isWorking(s as never))).toBe(false);
    expect(pollDelay(0)).toBe(250);
    expect(pollDelay(10)).toBe(1500);
  });

  it('asks for a CRS when the file has none or a wrong one, LKS-92 first', () => {
    expect(crsChoices[0]).toBe('EPSG:3059');
    expect(crsChoices).toEqual(expect.arrayContaining(['EPSG:25884', 'EPSG:4326', 'EPSG:3857', 'EPSG:3035']));
    expect(needsCrs(layer())).toBe(false);
    expect(needsCrs(layer({ crs: null }))).toBe(true);
    expect(needsCrs(layer({ crsProblem: 'outside Latvia; EPSG:25884 would place it there' }))).toBe(true);
    const missing = layer({ crs: null });
    expect(publishBlocker(choices(missing, { crs: '' }))).toBe('publish.needCrs');
    expect(publishBlocker(choices(missing, { crs: 'EPSG:3059' }))).toBeNull();
    expect(publishBlocker(choices(layer(), { titleLv: '  ' }))).toBe('publish.needTitle');
    expect(publishBlocker(choices(layer({ geometryType: null })))).toBe('publish.noGeometry');
  });

  it('sends only what differs from the defaults when publishing', () => {
    const l = layer();
    expect(publishRequest(upload([l]), choices(l))).toEqual({ title: { lv: 'Punkti' } });
    const other = layer({ name: 'ielas', crs: null });
    const request = publishRequest(upload([l, other]), choices(other, { titleLv: ' Ielas ', titleEn: 'Streets', keep: ['ipasnieks'], crs: 'EPSG:3059', replaceLayerId: 'upload-ielas' }));
    expect(request).toEqual({ title: { lv: 'Ielas', en: 'Streets' }, layer: 'ielas', fields: ['ipasnieks'], crs: 'EPSG:3059', replaceLayerId: 'upload-ielas' });
    expect(publishRequest(upload([l]), choices(l, { keep: [] })).fields).toEqual([]);
  });

  it('shows each layer its own problems and those of the whole file', () => {
    const problems = [{ message: 'all' }, { message: 'a', layer: 'a' }, { message: 'b', layer: 'b', featureIndex: 3 }];
    expect(problemsOf(problems, layer({ name: 'b' })).map((p) => p.message)).toEqual(['all', 'b']);
    // A layer split off by geometry type also shows the problems of the file layer it came from.
    expect(problemsOf(problems, layer({ name: 'b_points', stagedLayer: 'b' })).map((p) => p.message)).toEqual(['all', 'b']);
  });

  it('words a problem in the UI language from its code, and falls back to the server’s English', () => {
    const encrypted = { code: 'archive.encrypted', params: { name: 'ielas.shp' }, message: 'ielas.shp in the zip archive is encrypted; upload an archive without a password.' };
    expect(problemText('lv', encrypted)).toBe('ielas.shp zip arhīvā ir šifrēts; augšupielādējiet arhīvu bez paroles.');
    expect(problemText('uk', encrypted)).toBe('ielas.shp у zip-архіві зашифровано; завантажте архів без пароля.');
    expect(problemText('en', encrypted)).toBe(encrypted.message);
    expect(problemText('lv', { code: 'not.known.here', message: 'From a newer server.' })).toBe('From a newer server.');
    expect(problemText('lv', { message: 'From before codes.' })).toBe('From before codes.');
    const northing = { code: 'crs.misplacedNorthing', params: { where: 'x 1…2, y 3…4', crs: 'EPSG:3059 LKS-92 / Latvia TM', fits: 'EPSG:25884 TM Baltic93', suggested: 'EPSG:25884' }, message: '' };
    expect(problemText('lv', northing)).toMatch(/^Koordinātas \(x 1…2, y 3…4\), lasītas kā EPSG:3059 .* par 6 000 000 m.*piemēram, EPSG:25884\.$/);
  });

  it('words a refused request from the problem its answer names', () => {
    const tooLarge = new ApiError('The file is larger than the upload limit of 2 MB. …', 413, { message: '…', details: { code: 'upload.tooLarge', params: { limitMb: 2 } } });
    expect(requestErrorText('lv', tooLarge)).toBe('Datne ir lielāka par augšupielādes ierobežojumu 2 MB. Sadaliet to vai lūdziet administratoram palielināt UPLOAD_MAX_MB.');
    expect(requestErrorText('lv', new ApiError('Plain message', 400, { message: 'Plain message' }))).toBe('Plain message');
    expect(requestErrorText('lv', new Error('network'))).toBe('network');
  });

  it('has a Latvian and a Ukrainian wording of every problem the server reports', () => {
    for (const code of Object.keys(problemMessages)) {
      for (const locale of ['lv', 'uk'] as const) expect(catalogs[locale], `${locale} ${code}`).toHaveProperty([`upload.problem.${code}`]);
    }
  });

  it('leaves unticked at first only the columns GDAL adds to every KML layer', () => {
    const kml = layer({ fields: [{ name: 'name', sourceName: 'Name', type: 'text' }, { name: 'begin', sourceName: 'begin', type: 'datetime', suggestDrop: true }] });
    expect(defaultKeep(kml)).toEqual(['name']);
    expect(defaultKeep(layer())).toEqual(['nosaukums', 'ipasnieks']);
  });

  it('writes sizes as people read them', () => {
    expect(formatBytes(512, 'lv-LV')).toBe('512 B');
    expect(formatBytes(1536, 'lv-LV')).toBe('1,5 KB');
    expect(formatBytes(5 * 1024 * 1024, 'en-GB')).toBe('5.0 MB');
  });
});
