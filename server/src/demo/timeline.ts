import type { Random } from './random.js';

/** One status a record passed through, and when (ISO timestamp, UTC). */
export interface StatusStep {
  status: string;
  at: string;
}

const DAY = 86_400_000;

/** A moment during office hours (Riga is UTC+2/+3) on the given day. */
function officeHour(dayMs: number, random: Random): number {
  const day = Math.floor(dayMs / DAY) * DAY;
  return day + (6 * 60 + random.int(0, 8 * 60)) * 60_000;
}

/**
 * Dates for a record's way through a pipeline, all inside [windowStart, asOf).
 *
 * `path` is the list of statuses from the initial one to the final one; `gapDays[i]` is the
 * range of days between `path[i]` and `path[i + 1]`. Records still under way got their last
 * step recently (a file stuck for years is rare), finished ones any time in the window; the
 * first step (the record's creation) precedes the rest. When the drawn gaps do not fit in the
 * window they are squeezed proportionally, so order is kept and nothing lands in the future.
 */
export function pipelineDates(
  random: Random,
  path: string[],
  gapDays: [number, number][],
  window: { start: Date; asOf: Date },
  finished: boolean,
): StatusStep[] {
  const start = window.start.getTime() + DAY;
  const end = window.asOf.getTime() - DAY;
  if (path.length === 1) {
    // Only created: a survey early in the window.
    return [{ status: path[0], at: new Date(officeHour(start + random.int(0, 150) * DAY, random)).toISOString() }];
  }
  const gaps = path.slice(1).map((_, i) => random.int(gapDays[i][0], gapDays[i][1]) * DAY);
  // Leave room for the one-day minimum gaps below, so the last step never passes asOf.
  const last = end - (random.int(2, finished ? 900 : 200) + path.length) * DAY;
  let first = last - gaps.reduce((a, b) => a + b, 0);
  let scale = 1;
  if (first < start) {
    scale = (last - start) / (last - first);
    first = start;
  }
  const times = [first];
  for (const gap of gaps) times.push(times[times.length - 1] + Math.max(DAY, gap * scale));
  return path.map((status, i) => ({
    status,
    at: new Date(Math.min(officeHour(times[i], random), end)).toISOString(),
  }));
}

/** The date part (YYYY-MM-DD) of an ISO timestamp, for the `*_on` date columns. */
export const dateOf = (iso: string) => iso.slice(0, 10);
