import { copyFile } from 'node:fs/promises';
import { buildApp } from './server/src/app.js';
import { loadConfig } from './server/src/config.js';
import { openDatabase } from './server/src/db/database.js';
const url = 'postgres://postgres@127.0.0.1:5432/gis_bench_import';
const config = { ...loadConfig({ ...process.env, DATABASE_URL: url, SEED_DEMO: 'never', UPLOAD_DIR: '/tmp/pt-uploads' }), logLevel: 'warn' };
const database = await openDatabase({ databaseUrl: url, embeddedDataDir: '' });
const app = await buildApp({ config, database, logger: false });
await app.ready();
const municipalityId = (await app.municipalities.fallback())!.id;
const file = process.argv[2];
for (let i = 0; i < Number(process.argv[3] ?? 8); i++) {
  const copy = await app.uploads.newFilePath('p.zip');
  await copyFile(file, copy);
  const id = await app.uploads.submit('p.zip', copy, {}, { municipalityId, userId: null });
  await app.uploads.idle();
  const job = (await app.uploads.get(id))!;
  console.log(i, job.status, job.layers[0]?.featureCount, job.warnings.map((w) => w.code).join(','));
}
await app.close();
await database.close();
