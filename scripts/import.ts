// npm run import -- FILE [--municipality CODE] [--crs EPSG:3059] [--layer NAME] [--title "…"] [--title-en "…"] [--encoding windows-1257] [--replace LAYER_ID]
// Imports a GIS file as a layer of a municipality through the same pipeline as POST /api/uploads:
// analysis, preview, publish in one transaction. Runs as the operator (the audit log records no
// user). Uses DATABASE_URL, or the embedded database.
import { copyFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildApp } from '../server/src/app.js';
import { loadConfig } from '../server/src/config.js';
import { openDatabase } from '../server/src/db/database.js';

const usage = 'Usage: npm run import -- FILE [--municipality CODE] [--crs EPSG:3059] [--layer NAME] [--title "Nosaukums"] [--title-en "Title"] [--encoding windows-1257] [--replace LAYER_ID]';
const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    municipality: { type: 'string' },
    crs: { type: 'string' },
    layer: { type: 'string' },
    title: { type: 'string' },
    'title-en': { type: 'string' },
    encoding: { type: 'string' },
    replace: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
const file = positionals[0];
if (values.help || !file) {
  console.log(usage);
  process.exit(values.help ? 0 : 2);
}

const config = loadConfig();
const database = await openDatabase({ databaseUrl: config.databaseUrl, embeddedDataDir: config.embeddedDataDir });
// An operator's import may run long statements: the request statement timeout is not for it.
const app = await buildApp({ config: { ...config, statementTimeoutMs: 0 }, database, logger: { level: 'warn' } });
let exitCode = 0;
try {
  await app.ready();
  const uploads = app.uploads;
  const municipality = values.municipality ? await app.municipalities.byCodeOrNull(values.municipality) : await app.municipalities.fallback();
  if (!municipality) {
    throw new Error(values.municipality ? `There is no municipality "${values.municipality}".` : 'There is no municipality yet; seed the demo or import boundaries first.');
  }
  const target = await uploads.newFilePath(path.basename(file));
  await copyFile(file, target);
  const id = await uploads.submit(
    path.basename(file),
    target,
    { crs: values.crs, layer: values.layer, encoding: values.encoding },
    { municipalityId: municipality.id, userId: null },
  );
  await uploads.idle();
  let job = (await uploads.get(id))!;
  for (const w of job.warnings) console.log(`warning: ${w.featureIndex !== undefined ? `feature ${w.featureIndex}: ` : ''}${w.message}`);
  if (job.status !== 'ready') throw new Error(job.errors.map((e) => e.message).join('\n'));
  for (const l of job.layers) {
    console.log(`${l.name}: ${job.format}, ${l.geometryType}, ${l.featureCount} features, ${l.crs ?? 'CRS unknown'}${l.encoding ? `, ${l.encoding}` : ''}; fields ${l.fields.map((f) => (f.name === f.sourceName ? `${f.name} (${f.type})` : `${f.sourceName} → ${f.name} (${f.type})`)).join(', ')}`);
  }
  const operator = { userId: null, ip: null };
  const layer = values.layer ?? (job.layers.length === 1 ? job.layers[0].name : undefined);
  await uploads.publish(id, {
    layer,
    title: { lv: values.title ?? layer ?? path.basename(file), ...(values['title-en'] ? { en: values['title-en'] } : {}) },
    ...(values.crs ? { crs: values.crs } : {}),
    ...(values.replace ? { replaceLayerId: values.replace } : {}),
  }, operator);
  await uploads.idle();
  job = (await uploads.get(id))!;
  if (job.status !== 'done') throw new Error(job.errors.map((e) => e.message).join('\n'));
  console.log(`published as layer ${job.layerId} of ${municipality.name}`);
} catch (err) {
  console.error((err as Error).message);
  exitCode = 1;
} finally {
  await app.close();
  await database.close();
}
process.exit(exitCode);
