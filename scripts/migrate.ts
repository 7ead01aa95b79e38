// npm run migrate: applies pending migrations to DATABASE_URL (or the embedded database) and exits.
import { withCliDatabase } from './lib/cliDatabase.js';

await withCliDatabase(async (_client, migrations) => {
  for (const m of migrations) console.log(`${m.applied ? 'applied ' : 'present '} ${m.id}`);
});
