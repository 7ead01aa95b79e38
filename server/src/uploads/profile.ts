/**
 * Phase timings of the upload pipeline, printed to stderr when `UPLOAD_PROFILE=1` (bench:import
 * sets it with `--profile`); otherwise the work runs untimed.
 * @param name the phase, e.g. `publish: insert`
 * @param work the phase's work
 * @returns what the work returns
 * @example await timed('analyse: stats', () => stagedStats(pool, id, layer))
 */
export async function timed<T>(name: string, work: () => Promise<T>): Promise<T> {
  if (process.env.UPLOAD_PROFILE !== '1') return work();
  const start = performance.now();
  try {
    return await work();
  } finally {
    process.stderr.write(`  [upload profile] ${name}: ${((performance.now() - start) / 1000).toFixed(3)} s\n`);
  }
}

/**
 * A line of the pipeline's profile that is not a timing (a path not taken, and why); printed only
 * with `UPLOAD_PROFILE=1`.
 * @param text what happened
 */
export function profileNote(text: string): void {
  if (process.env.UPLOAD_PROFILE === '1') process.stderr.write(`  [upload profile] ${text}\n`);
}
