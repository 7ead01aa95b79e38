import { open, readFile, unlink } from 'node:fs/promises';

/**
 * Takes the lock of an embedded data directory: `<dataDir>.lock`, beside the directory (so it is
 * never part of a dump of it), holding the process id. PGlite itself does not lock its files, and
 * two processes on one data directory (the server and `npm run backup`/`restore`) would copy or
 * overwrite pages the other is writing. A lock left by a process that is gone is taken over.
 * @returns a function that releases the lock
 * @throws Error naming the process that holds it
 */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const lockFile = `${dataDir.replace(/[/\\]+$/, '')}.lock`;
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(lockFile, 'wx');
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      return () => unlink(lockFile).catch(() => {});
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw err;
      const holder = Number((await readFile(lockFile, 'utf8').catch(() => '')).trim());
      if (holder && holder !== process.pid && isAlive(holder)) {
        throw new Error(
          `The embedded database in ${dataDir} is in use by process ${holder} (the server or a backup); stop it first, or remove ${lockFile} if that process is not this application.`,
        );
      }
      await unlink(lockFile).catch(() => {});
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
