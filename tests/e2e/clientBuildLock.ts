import { mkdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { ensureClientBuild } from '../../scripts/lib/clientBuild.js';
import { rootDir } from '../../server/src/config.js';

const lockDir = path.join(rootDir, '.tmp/client-build.lock');

/**
 * ensureClientBuild for test files running in parallel: one builds while the others wait, so two
 * Vite builds never empty client/dist under each other's feet.
 */
export async function ensureClientBuildShared(): Promise<void> {
  mkdirSync(path.dirname(lockDir), { recursive: true });
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(lockDir);
      break;
    } catch {
      // A lock left by a killed run is stale after 3 minutes.
      try {
        if (Date.now() - statSync(lockDir).mtimeMs > 180_000) rmSync(lockDir, { recursive: true, force: true });
      } catch {
        // Released meanwhile.
      }
      if (Date.now() > deadline) throw new Error(`waited 3 minutes for the client build lock ${lockDir}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    ensureClientBuild();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}
