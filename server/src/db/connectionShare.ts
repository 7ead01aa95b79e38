import { DatabaseUnavailable, OUTAGE_RETRY_SECONDS } from './unavailable.js';

interface Waiter {
  owner: string;
  grant: (release: () => void) => void;
  timer: NodeJS.Timeout;
}

/**
 * A bounded share of the database pool for heavy requests (work lists, dashboards, analysis,
 * exports), so that they can never take every connection: at most `limit` run at once, and one
 * owner (a user, or an address for anonymous requests) at most `perOwner` of them. The others wait
 * in arrival order — an owner over their own share lets others go first — and after `maxWaitMs`
 * give up with a 503 that says when to retry. Light requests (the map, the catalog, sign-in) never
 * wait here, and keep the rest of the pool.
 */
export class ConnectionShare {
  private running = 0;
  private readonly byOwner = new Map<string, number>();
  private readonly waiting: Waiter[] = [];

  constructor(
    readonly limit: number,
    readonly perOwner: number,
    private readonly maxWaitMs: number,
  ) {
    if (!(limit >= 1 && perOwner >= 1)) throw new Error(`a connection share needs at least one place, got ${limit}/${perOwner}`);
  }

  /** Heavy requests running now and waiting now. */
  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }

  /**
   * Waits for a place; resolves to the function that gives it back (calling it twice is harmless).
   * Rejects with DatabaseUnavailable ('database.busy') when no place came within the wait.
   */
  acquire(owner: string): Promise<() => void> {
    if (this.fits(owner)) return Promise.resolve(this.take(owner));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        owner,
        grant: resolve,
        timer: setTimeout(() => {
          this.waiting.splice(this.waiting.indexOf(waiter), 1);
          const seconds = OUTAGE_RETRY_SECONDS;
          reject(
            new DatabaseUnavailable(
              'database.busy',
              `The server is busy with other long requests (work lists, dashboards, analyses, exports); try again in ${seconds} seconds.`,
              seconds,
            ),
          );
        }, this.maxWaitMs),
      };
      waiter.timer.unref();
      this.waiting.push(waiter);
    });
  }

  private fits(owner: string): boolean {
    return this.running < this.limit && (this.byOwner.get(owner) ?? 0) < this.perOwner;
  }

  private take(owner: string): () => void {
    this.running++;
    this.byOwner.set(owner, (this.byOwner.get(owner) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.running--;
      const left = this.byOwner.get(owner)! - 1;
      if (left) this.byOwner.set(owner, left);
      else this.byOwner.delete(owner);
      this.next();
    };
  }

  /** Lets in the longest-waiting requests whose owners are under their share. */
  private next(): void {
    for (let i = 0; i < this.waiting.length && this.running < this.limit; ) {
      const waiter = this.waiting[i];
      if (!this.fits(waiter.owner)) {
        i++;
        continue;
      }
      this.waiting.splice(i, 1);
      clearTimeout(waiter.timer);
      waiter.grant(this.take(waiter.owner));
    }
  }
}
