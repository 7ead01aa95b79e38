import { Type } from 'typebox';

/**
 * Bounds of request numbers that match the database columns they end up in, so that a value out
 * of range gets a 400 naming the parameter from the schema instead of a PostgreSQL error.
 */

/** The largest PostgreSQL `integer` (int4): serial ids, versions, counts. */
export const INT4_MAX = 2_147_483_647;

type IntegerOptions = Parameters<typeof Type.Integer>[0];

/** An id, version or count held in a PostgreSQL `integer` column (1 … 2 147 483 647 unless told). */
export const int4 = (options: IntegerOptions = {}) => Type.Integer({ minimum: 1, maximum: INT4_MAX, ...options });

/** An id held in a PostgreSQL `bigint` column (user ids): JavaScript numbers are exact up to 2^53 − 1. */
export const bigintId = (options: IntegerOptions = {}) => Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, ...options });
