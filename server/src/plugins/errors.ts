import type { FastifyError } from 'fastify';
import fp from 'fastify-plugin';
import { STATUS_CODES } from 'node:http';
import { asUnavailable, causeChain } from '../db/unavailable.js';

/**
 * An error whose message a user can act on. Routes and repositories throw it for bad input;
 * the global handler sends its message with its status code.
 */
export class UserError extends Error {
  constructor(
    public readonly statusCode: number,
    message: string,
    public readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export const badRequest = (message: string, details?: Record<string, unknown>) => new UserError(400, message, details);
export const notFound = (message: string) => new UserError(404, message);
export const forbidden = (message: string) => new UserError(403, message);

/** The one error handler: 4xx carry an actionable message, 5xx are logged and masked. */
export default fp(
  async (app) => {
    app.setErrorHandler((error: FastifyError | UserError, request, reply) => {
      const dataError = rejectedByDatabase(error);
      if (dataError) {
        request.log.warn({ err: error, url: request.url }, 'the database refused a value of the request');
        return reply.status(400).send({ statusCode: 400, error: 'Bad Request', message: dataError });
      }
      // The database is down, restarting, or busy: not the request's fault, and worth retrying.
      const unavailable = asUnavailable(error);
      if (unavailable) {
        request.log.warn({ err: error, url: request.url, code: unavailable.code }, 'database unavailable');
        return reply
          .status(503)
          .header('retry-after', String(unavailable.retryAfterSeconds))
          .send({ statusCode: 503, error: 'Service Unavailable', code: unavailable.code, message: unavailable.message });
      }
      const status = error.statusCode ?? 500;
      if (status >= 500) {
        request.log.error({ err: error, url: request.url }, 'request failed');
        return reply.status(status).send({
          statusCode: status,
          error: 'Internal Server Error',
          message: `Something went wrong on the server. The error was logged with request id ${request.id}.`,
        });
      }
      // A route's schemaErrorFormatter may already have written a UserError for the user.
      const validation = (error as FastifyError).validation && !(error instanceof UserError);
      const message = validation ? describeValidation(error as FastifyError) : error.message;
      return reply.status(status).send({
        statusCode: status,
        error: STATUS_CODES[status] ?? 'Bad Request',
        message,
        ...(error instanceof UserError && error.details ? { details: error.details } : {}),
      });
    });
  },
  { name: 'errors' },
);

/**
 * PostgreSQL's data exceptions (SQLSTATE class 22: invalid text representation, numeric value out
 * of range, untranslatable character, bad datetime…) and a reference to a row that does not
 * exist (23503 on insert or update) mean a value of the request cannot be stored or compared.
 * Route schemas and the input guard refuse such values first, naming the parameter; this is the
 * last line of defence, so that one a schema missed gives 400 rather than 500.
 * @returns the message for the user, or undefined when the error is not of this kind
 */
function rejectedByDatabase(error: unknown): string | undefined {
  // The first error in the chain that carries a SQLSTATE decides.
  const sqlError = causeChain(error).find((e) => /^[0-9A-Z]{5}$/.test(String((e as { code?: unknown }).code)));
  if (!sqlError) return undefined;
  const { code, message } = sqlError as { code: string; message?: unknown };
  if (code.startsWith('22')) return `A value in the request cannot be used: ${String(message)}. Check the parameters and try again.`;
  if (code === '23503' && String(message).startsWith('insert or update')) {
    return 'The request refers to something that does not exist (e.g. a municipality or user id); check the ids it names.';
  }
  return undefined;
}

/** Turns Ajv's validation output into one sentence naming the parameter and what it must be. */
function describeValidation(error: FastifyError): string {
  const first = error.validation?.[0];
  if (!first) return error.message;
  // Ajv calls the query string 'querystring'; users and the input guard call it the query.
  const where = error.validationContext === 'querystring' ? 'query' : (error.validationContext ?? 'request');
  const param = first.instancePath ? first.instancePath.replace(/^\//, '').replace(/\//g, '.') : undefined;
  const missing = (first.params as { missingProperty?: string })?.missingProperty;
  const name = param ?? missing ?? where;
  if (missing) return `The ${where} parameter "${missing}" is required.`;
  return `The ${where} parameter "${name}" ${first.message ?? 'is not valid'}.`;
}
