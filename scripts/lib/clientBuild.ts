import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { rootDir } from '../../server/src/config.js';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** Builds the client with Vite when `client/dist` is missing or older than its sources. */
export function ensureClientBuild(): void {
  const built = path.join(rootDir, 'client/dist/index.html');
  const sources = Math.max(
    newestMtime(path.join(rootDir, 'client/src')),
    statSync(path.join(rootDir, 'client/index.html')).mtimeMs,
    statSync(path.join(rootDir, 'vite.config.ts')).mtimeMs,
  );
  if (existsSync(built) && statSync(built).mtimeMs >= sources) return;
  console.log('Building the client…');
  const result = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: rootDir, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`the client build failed (vite exited with ${result.status})`);
}
