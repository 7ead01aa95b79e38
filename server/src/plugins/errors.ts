import type { FastifyError } from 'fastify';
import fp from 'fastify-plugin';
import { STATUS_CODES } from 'node:http';
import { asUnavailable } from '../db/unavailable.js';

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

/** Turns Ajv's validation output into one sentence naming the parameter and what it must be. */
function describeValidation(error: FastifyError): string {
  const first = error.validation?.[0];
  if (!first) return error.message;
  const where = error.validationContext ?? 'request';
  const param = first.instancePath ? first.instancePath.replace(/^\//, '').replace(/\//g, '.') : undefined;
  const missing = (first.params as { missingProperty?: string })?.missingProperty;
  const name = param ?? missing ?? where;
  if (missing) return `The ${where} parameter "${missing}" is required.`;
  return `The ${where} parameter "${name}" ${first.message ?? 'is not valid'}.`;
}
