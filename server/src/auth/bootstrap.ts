import type { FastifyInstance } from 'fastify';
import { generatePassword, hashPassword, passwordProblem } from './password.js';
import { administratorExists, createUser } from './repository.js';

/**
 * Makes sure someone can administer a new installation: with `ADMIN_EMAIL` and `ADMIN_PASSWORD`
 * it creates that platform administrator unless the email has an account; with neither, when no
 * administrator exists, it creates `admin@localhost` (or ADMIN_EMAIL) with a generated password
 * printed once to the log — change it with the password reset flow.
 */
export async function ensureAdministrator(app: FastifyInstance, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const email = env.ADMIN_EMAIL?.trim() || undefined;
  const password = env.ADMIN_PASSWORD || undefined;
  if (email && password) {
    const problem = passwordProblem(password, email);
    if (problem) throw new Error(`ADMIN_PASSWORD cannot be used: ${problem}`);
    const id = await createUser(app.pg.pool, { email, name: 'Administrator', passwordHash: await hashPassword(password), platformAdmin: true });
    if (id !== undefined) app.log.info({ email }, 'created the administrator from ADMIN_EMAIL / ADMIN_PASSWORD');
    return;
  }
  if (password) throw new Error('ADMIN_PASSWORD is set but ADMIN_EMAIL is not; set both, or neither.');
  if (await administratorExists(app.pg.pool)) return;
  const generated = generatePassword();
  const account = email ?? 'admin@localhost';
  const id = await createUser(app.pg.pool, { email: account, name: 'Administrator', passwordHash: await hashPassword(generated), platformAdmin: true });
  if (id === undefined) {
    app.log.warn({ email: account }, 'no administrator exists and this email already has an account; give it the admin role');
    return;
  }
  app.log.warn(
    { email: account, password: generated },
    'FIRST START: created the platform administrator with this one-time password; sign in and replace it (POST /api/auth/password-reset)',
  );
}
