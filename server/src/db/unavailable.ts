/**
 * When the database cannot serve a request for now — it is down, restarting or failing over, a
 * statement ran past the statement timeout, or heavy requests hold their whole share of the pool —
 * the request gets 503 with `Retry-After`, not a 500: nothing is wrong with the request, and the
 * same request will succeed later. This module decides which errors those are.
 */

/** Message codes the client translates; the message says the same in English. */
export type UnavailableCode = 'database.unavailable' | 'database.statementTimeout' | 'database.busy';

/** The database cannot serve this request now; the one error handler answers 503 with Retry-After. */
export class DatabaseUnavailable extends Error {
  readonly kind = 'unavailable';
  constructor(
    readonly code: UnavailableCode,
    message: string,
    /** Seconds after which the same request is worth trying again. */
    readonly retryAfterSeconds: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Socket errors of a connection that could not be made or was cut. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/**
 * SQLSTATEs of a server that went away or does not take connections now: 57P01 admin_shutdown
 * (pg_terminate_backend, a fast shutdown), 57P02 crash_shutdown, 57P03 cannot_connect_now (starting
 * up, shutting down, in recovery), 53300 too_many_connections; class 08 is connection exceptions.
 */
const SERVER_GONE = new Set(['57P01', '57P02', '57P03', '53300']);

/** What `pg` and `pg-pool` say when a connection ended or could not be made in time. */
const CONNECTION_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection is closed|the database system is (starting up|shutting down|in recovery)/i;

/** 57014 query_canceled: the statement timeout (or a cancel) stopped the statement. */
const STATEMENT_TIMEOUT = '57014';

/** The error and the errors it wraps as `cause`, outermost first (at most 8, no cycles). */
export function causeChain(error: unknown): unknown[] {
  const seen: unknown[] = [];
  for (let e = error; e && typeof e === 'object' && seen.length < 8 && !seen.includes(e); e = (e as { cause?: unknown }).cause) seen.push(e);
  return seen;
}

/** True when the error (or one it wraps as `cause`) says the connection to the database failed or was cut. */
export function isConnectionError(error: unknown): boolean {
  return causeChain(error).some((e) => {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && (SOCKET_CODES.has(code) || SERVER_GONE.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
    return typeof message === 'string' && CONNECTION_MESSAGES.test(message);
  });
}

/** Seconds a client should wait before retrying while the database is unreachable. */
export const OUTAGE_RETRY_SECONDS = 5;

/**
 * The error as a DatabaseUnavailable when it is one of the "not now" kinds, else undefined.
 * Errors of the request itself (bad input, constraint violations) are never turned into 503.
 */
export function asUnavailable(error: unknown): DatabaseUnavailable | undefined {
  if (error instanceof DatabaseUnavailable) return error;
  if (isConnectionError(error)) {
    return new DatabaseUnavailable(
      'database.unavailable',
      `The database cannot take this request at the moment (it is unreachable, restarting, or all connections are busy); try again in ${OUTAGE_RETRY_SECONDS} seconds.`,
      OUTAGE_RETRY_SECONDS,
      { cause: error },
    );
  }
  if (causeChain(error).some((e) => (e as { code?: unknown }).code === STATEMENT_TIMEOUT)) {
    return new DatabaseUnavailable(
      'database.statementTimeout',
      'The database took too long to answer this request and stopped it (statement timeout). Try again later or ask for less, e.g. a smaller area or period.',
      OUTAGE_RETRY_SECONDS,
      { cause: error },
    );
  }
  return undefined;
}
