import http from 'node:http';

export interface LoadResult {
  requests: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p95Ms: number;
  bytes: number;
  statuses: Record<number, number>;
}

/**
 * Requests `paths` from `baseUrl` with `concurrency` requests in flight over kept-alive
 * connections, going round the list until `minSeconds` have passed (at least once).
 */
export async function runHttpLoad(
  baseUrl: string,
  paths: string[],
  opts: { concurrency: number; minSeconds?: number },
): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.concurrency });
  const durations: number[] = [];
  const statuses: Record<number, number> = {};
  let bytes = 0;
  let next = 0;
  const started = performance.now();
  const deadline = started + (opts.minSeconds ?? 0) * 1000;
  const more = () => next < paths.length || performance.now() < deadline;

  async function worker() {
    while (more()) {
      const path = paths[next++ % paths.length];
      const t0 = performance.now();
      const { status, size } = await get(agent, baseUrl + path);
      durations.push(performance.now() - t0);
      statuses[status] = (statuses[status] ?? 0) + 1;
      bytes += size;
    }
  }
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  durations.sort((a, b) => a - b);
  const at = (q: number) => durations[Math.min(durations.length - 1, Math.floor(q * durations.length))] ?? 0;
  return { requests: durations.length, seconds, perSecond: durations.length / seconds, p50Ms: at(0.5), p95Ms: at(0.95), bytes, statuses };
}

function get(agent: http.Agent, url: string): Promise<{ status: number; size: number }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent }, (res) => {
      let size = 0;
      res.on('data', (chunk: Buffer) => (size += chunk.length));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, size }));
      res.on('error', reject);
    });
    req.setTimeout(30_000, () => req.destroy(new Error(`timed out: ${url}`)));
    req.on('error', reject);
  });
}
