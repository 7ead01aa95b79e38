import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A random 256-bit token as base64url (43 characters): session ids, CSRF and reset tokens. */
export const newToken = (): string => randomBytes(32).toString('base64url');

/** What the database stores of a token: its SHA-256, never the token itself. */
export const hashToken = (token: string): Buffer => createHash('sha256').update(token).digest();

/** A token as the client may send it: 43 base64url characters. Anything else is not one of ours. */
export const isTokenShaped = (text: string | undefined): text is string => !!text && /^[A-Za-z0-9_-]{43}$/.test(text);

/** Constant-time equality of two strings of any length. */
export function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(hashToken(given), hashToken(expected));
}
