import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { rootDir } from '../../server/src/config.js';

export interface ServerProcess {
  url: string;
  /** The server process's id, e.g. to read its memory from /proc. */
  pid: number;
  /** Seconds from spawn until /api/health answered ok. */
  startSeconds: number;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Starts the real server entry (`server/src/server.ts`) in its own process, as `npm start` does,
 * so that a benchmark's HTTP load generator does not share the server's event loop.
 */
export async function startServerProcess(env: NodeJS.ProcessEnv, timeoutMs = 120_000): Promise<ServerProcess> {
  const port = await freePort();
  const started = Date.now();
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', path.join(rootDir, 'server/src/server.ts')], {
    cwd: rootDir,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited with code ${child.exitCode} while starting`);
    if (Date.now() - started > timeoutMs) {
      child.kill('SIGKILL');
      throw new Error(`the server did not answer /api/health within ${timeoutMs / 1000} s`);
    }
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    pid: child.pid!,
    startSeconds: (Date.now() - started) / 1000,
    async close() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
