import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { openDatabase } from './db/database.js';
import { ensureAdministrator } from './auth/bootstrap.js';
import { seedDemoIfEmpty } from './demo/seedIfEmpty.js';

/** Starts the server: opens the database, builds the app, seeds demo data on a new database, listens. */
async function main() {
  const config = loadConfig();
  const started = Date.now();
  const database = await openDatabase(config);
  const app = await buildApp({ config, database });
  if (config.seedDemo === 'always' || (config.seedDemo === 'auto' && database.mode === 'embedded')) {
    await seedDemoIfEmpty(app);
  }
  await ensureAdministrator(app);
  await app.listen({ port: config.port, host: config.host });
  app.log.info(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s with the ${database.mode} database`);

  let closing = false;
  const close = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info(`${signal}: closing`);
    await app.close();
    await database.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void close('SIGINT'));
  process.on('SIGTERM', () => void close('SIGTERM'));
}

main().catch((err) => {
  console.error(err instanceof Error ? `${err.message}${err.cause ? `\n  caused by: ${(err.cause as Error).message ?? err.cause}` : ''}` : err);
  process.exit(1);
});
