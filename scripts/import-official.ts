// npm run import:addresses -- <AW_EKA.csv> [--municipality <code>]
// npm run import:boundaries -- <file.geojson|.zip|.shp> [--municipality <code>] [--kind parish|town|village]
//                              [--kind-field F] [--name-field F] [--atvk-field F] [--srid N]
// Imports official open data into DATABASE_URL (or the embedded database) and prints the report.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type pg from 'pg';
import { importAddressRegister } from '../server/src/importers/addressRegister.js';
import { boundaryFilesFromPath } from '../server/src/importers/boundaryFiles.js';
import { ImportError } from '../server/src/importers/importError.js';
import { importTerritorialUnits, type UnitKind } from '../server/src/importers/territorialUnits.js';
import { withCliDatabase } from './lib/cliDatabase.js';

const usage = `Usage:
  npm run import:addresses -- <AW_EKA.csv> [--municipality <code>] [--all-points]
  npm run import:boundaries -- <file.geojson|file.zip|file.shp> [--municipality <code>]
      [--kind parish|town|village | --kind-field <attribute>] [--name-field <attribute>] [--atvk-field <attribute>] [--srid <EPSG code>]`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    municipality: { type: 'string' },
    kind: { type: 'string' },
    'kind-field': { type: 'string' },
    'name-field': { type: 'string' },
    'atvk-field': { type: 'string' },
    srid: { type: 'string' },
    'all-points': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
const [command, file] = positionals;
if (values.help || !file || (command !== 'addresses' && command !== 'boundaries')) {
  console.log(usage);
  process.exit(values.help ? 0 : 2);
}
if (values.kind && !['parish', 'town', 'village'].includes(values.kind)) {
  console.error(`--kind must be parish, town or village, not "${values.kind}".`);
  process.exit(2);
}
if (values.srid && !/^\d+$/.test(values.srid)) {
  console.error(`--srid takes an EPSG code such as 3059, not "${values.srid}".`);
  process.exit(2);
}

/** The municipality named, or the only one there is. */
async function municipalityId(client: pg.PoolClient, code: string | undefined): Promise<number> {
  const { rows } = await client.query<{ id: number; code: string }>('SELECT id, code FROM municipality ORDER BY code');
  if (code) {
    const hit = rows.find((r) => r.code === code);
    if (!hit) throw new ImportError(`There is no municipality "${code}"; there are: ${rows.map((r) => r.code).join(', ') || 'none'}.`);
    return hit.id;
  }
  if (rows.length === 1) return rows[0].id;
  throw new ImportError(`Say which municipality to import into with --municipality <code>; there are: ${rows.map((r) => r.code).join(', ') || 'none'}.`);
}

await withCliDatabase(
  async (client) => {
    const id = await municipalityId(client, values.municipality);
    const started = Date.now();
    const report =
      command === 'addresses'
        ? await importAddressRegister(client, id, await readFile(file), { insideBoundaryOnly: !values['all-points'] })
        : await importTerritorialUnits(client, id, await boundaryFilesFromPath(file), {
            kind: values.kind as UnitKind | undefined,
            kindField: values['kind-field'],
            nameField: values['name-field'],
            atvkField: values['atvk-field'],
            srid: values.srid ? Number(values.srid) : undefined,
          });
    console.log(JSON.stringify(report, null, 2));
    console.log(`${command} imported in ${Date.now() - started} ms: ${report.inserted} inserted, ${report.updated} updated, ${report.skipped} skipped`);
  },
  (err) => (err instanceof ImportError ? err.message : err instanceof Error ? `${err.message}: ${(err.cause as Error)?.message ?? ''}` : String(err)),
);
