import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { badRequest } from './errors.js';

/**
 * Refuses, for every route, request values the database cannot take, naming the parameter:
 * text with a NUL character (PostgreSQL text cannot hold U+0000) or an unpaired UTF-16 surrogate
 * (not Unicode text; jsonb refuses it), and numbers that are not finite or not exact whole
 * numbers. Ajv 8, coercing a query or path string, turns "Infinity", "-Infinity" and "1e309" into
 * ±Infinity and then skips `minimum`/`maximum` (it checks bounds of finite numbers only), so a
 * schema alone lets them through; past 2^53 JavaScript rounds, so 2^63 would reach PostgreSQL as
 * another number.
 *
 * Text is checked before schema validation, numbers after it (query and path values become
 * numbers only when the schema coerces them).
 */
export default fp(
  async (app) => {
    app.addHook('preValidation', async (request) => {
      for (const [where, value] of sources(request)) checkText(value, where, []);
    });
    app.addHook('preHandler', async (request) => {
      for (const [where, value] of sources(request)) checkNumbers(value, where, []);
    });
  },
  { name: 'input-guard', dependencies: ['errors'] },
);

/** A UTF-16 surrogate without its pair (in a `u` regular expression, paired ones are one code point). */
const loneSurrogate = /\p{Cs}/u;

type Where = 'path' | 'query' | 'body';

function sources(request: FastifyRequest): [Where, unknown][] {
  return [
    ['path', request.params],
    ['query', request.query],
    ['body', request.body],
  ];
}

/** How a message names a value: `The query parameter "q"`, `The body parameter "properties.name"`. */
function named(where: Where, path: string[]): string {
  if (path.length === 0) return where === 'body' ? 'The request body' : `The ${where} string`;
  return `The ${where} parameter "${path.map(printable).join('.').slice(0, 80)}"`;
}

/** A parameter name as a message can show it (a name may itself be hostile). */
function printable(name: string): string {
  return name.replace(/\0/g, '\\u0000').replace(/\p{Cs}/gu, '\\ufffd');
}

function checkText(value: unknown, where: Where, path: string[], depth = 0): void {
  if (typeof value === 'string') {
    if (value.includes('\0')) {
      throw badRequest(`${named(where, path)} contains a NUL character (\\u0000), which text here cannot hold; remove it.`);
    }
    if (loneSurrogate.test(value)) {
      throw badRequest(`${named(where, path)} contains an unpaired UTF-16 surrogate, which is not valid Unicode text.`);
    }
    return;
  }
  if (!isPlain(value) || depth > 64) return;
  for (const [key, item] of Object.entries(value)) {
    if (key.includes('\0') || loneSurrogate.test(key)) {
      throw badRequest(`${named(where, path)} has a property name "${printable(key).slice(0, 40)}" that is not valid text.`);
    }
    checkText(item, where, [...path, key], depth + 1);
  }
}

function checkNumbers(value: unknown, where: Where, path: string[], depth = 0): void {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw badRequest(`${named(where, path)} must be a finite number.`);
    if (Number.isInteger(value) && !Number.isSafeInteger(value)) {
      throw badRequest(`${named(where, path)} is too large: whole numbers here go up to ${Number.MAX_SAFE_INTEGER}.`);
    }
    return;
  }
  if (!isPlain(value) || depth > 64) return;
  for (const [key, item] of Object.entries(value)) checkNumbers(item, where, [...path, key], depth + 1);
}

/** Parsed JSON, query strings and path parameters; not the buffers or streams of other body parsers. */
function isPlain(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  return !ArrayBuffer.isView(value) && !(value instanceof ArrayBuffer) && typeof (value as { pipe?: unknown }).pipe !== 'function';
}
