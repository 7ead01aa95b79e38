/**
 * Runs one `work()` per key at a time: callers asking for a key already in flight share its
 * promise. The WMS proxy uses it so a map opening at once asks the upstream for each tile once.
 */
export class SingleFlight<T> {
  private readonly inFlight = new Map<string, Promise<T>>();

  run(key: string, work: () => Promise<T>): Promise<T> {
    const running = this.inFlight.get(key);
    if (running) return running;
    const started = work().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, started);
    return started;
  }

  /** How many distinct keys are being worked on now. */
  get size(): number {
    return this.inFlight.size;
  }
}
