import type { FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { hashPassword } from '../../server/src/auth/password.js';
import { createUser, setMembership } from '../../server/src/auth/repository.js';
import type { Role } from '../../server/src/auth/roles.js';

/** The password every test user gets. */
export const TEST_PASSWORD = 'correct horse battery staple';

export interface TestUser {
  id: number;
  email: string;
  password: string;
}

export interface SignedIn extends TestUser {
  /** `gis_session=<token>`, for the Cookie header. */
  cookie: string;
  csrfToken: string;
  /** Headers of a request as this user, with the CSRF token. */
  headers: Record<string, string>;
}

/** The id of a municipality by code. */
export async function municipalityId(app: FastifyInstance, code: string): Promise<number> {
  const { rows } = await app.pg.query<{ id: number }>('SELECT id FROM municipality WHERE code = $1', [code]);
  if (!rows[0]) throw new Error(`no municipality "${code}"`);
  return rows[0].id;
}

/** A second municipality of the test's own, created once per code (the real test database is shared by files). */
export async function otherMunicipality(app: FastifyInstance, code = `other-${randomUUID().slice(0, 8)}`): Promise<number> {
  const { rows } = await app.pg.query<{ id: number }>(
    `INSERT INTO municipality (code, name) VALUES ($1, 'Citu novads') ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name RETURNING id`,
    [code],
  );
  return rows[0].id;
}

/** A user with a unique email, optionally with a role in a municipality. */
export async function addUser(
  app: FastifyInstance,
  opts: { role?: Role; municipality?: number; platformAdmin?: boolean; password?: string; label?: string } = {},
): Promise<TestUser> {
  const email = `${opts.label ?? opts.role ?? 'user'}-${randomUUID().slice(0, 8)}@tests.example.lv`;
  const password = opts.password ?? TEST_PASSWORD;
  const id = await createUser(app.pg.pool, { email, name: 'Test User', passwordHash: await hashPassword(password), platformAdmin: opts.platformAdmin });
  if (id === undefined) throw new Error(`user ${email} exists`);
  if (opts.role && opts.municipality !== undefined) await setMembership(app.pg.pool, id, opts.municipality, opts.role);
  return { id, email, password };
}

/** The session cookie a response set, as `name=value`. */
export function sessionCookie(res: { cookies: { name: string; value: string }[] }): string | undefined {
  const c = res.cookies.find((c) => c.name === 'gis_session');
  return c && c.value ? `gis_session=${c.value}` : undefined;
}

/** Signs the user in through POST /api/auth/login. */
export async function signIn(app: FastifyInstance, user: TestUser): Promise<SignedIn> {
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: user.email, password: user.password } });
  if (res.statusCode !== 200) throw new Error(`sign-in of ${user.email} failed: ${res.statusCode} ${res.body}`);
  const cookie = sessionCookie(res)!;
  const csrfToken = res.json().csrfToken as string;
  return { ...user, cookie, csrfToken, headers: { cookie, 'x-csrf-token': csrfToken } };
}

/** A signed-in user holding `role` in the municipality. */
export async function signedInAs(app: FastifyInstance, role: Role, municipality: number): Promise<SignedIn> {
  return signIn(app, await addUser(app, { role, municipality }));
}

const editorHeadersByApp = new WeakMap<FastifyInstance, Map<string, Promise<Record<string, string>>>>();

/**
 * Headers of a request by an editor of the municipality (signed in once per app and municipality),
 * naming that municipality in X-Municipality.
 */
export function editorHeaders(app: FastifyInstance, code = 'testa'): Promise<Record<string, string>> {
  let byCode = editorHeadersByApp.get(app);
  if (!byCode) editorHeadersByApp.set(app, (byCode = new Map()));
  let headers = byCode.get(code);
  if (!headers) {
    headers = municipalityId(app, code).then(async (id) => ({ ...(await signedInAs(app, 'editor', id)).headers, 'x-municipality': code }));
    byCode.set(code, headers);
  }
  return headers;
}
