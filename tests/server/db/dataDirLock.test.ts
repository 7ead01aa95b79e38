import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lockDataDir } from '../../../server/src/db/dataDirLock.js';

const work = mkdtempSync(path.join(tmpdir(), 'data-dir-lock-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('embedded data directory lock (server/src/db/dataDirLock.ts)', () => {
  it('refuses a data directory another running process holds, naming it', async () => {
    const dir = path.join(work, 'held');
    const other = spawn('sleep', ['30']);
    try {
      writeFileSync(`${dir}.lock`, `${other.pid}\n`);
      await expect(lockDataDir(dir)).rejects.toThrow(new RegExp(`in use by process ${other.pid}`));
      expect(readFileSync(`${dir}.lock`, 'utf8').trim()).toBe(String(other.pid));
    } finally {
      other.kill();
    }
  });

  it('takes over the lock of a process that is gone (a crash), and releases it', async () => {
    const dir = path.join(work, 'stale');
    const gone = spawnSync('sh', ['-c', 'echo $$']).stdout.toString().trim();
    writeFileSync(`${dir}.lock`, `${gone}\n`);
    const release = await lockDataDir(dir);
    expect(readFileSync(`${dir}.lock`, 'utf8').trim()).toBe(String(process.pid));
    await release();
    expect(existsSync(`${dir}.lock`)).toBe(false);
  });
});
