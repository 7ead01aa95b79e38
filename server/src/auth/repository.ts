import type pg from 'pg';
import type { Role, SessionUser } from './roles.js';
import { hashToken, newToken } from './tokens.js';

/**
 * SQL of accounts, memberships, sessions and password resets. Every function takes the pool (or a
 * client it was given) and runs its statements one after the other: the embedded database serves
 * a single connection.
 */

type Db = pg.Pool | pg.PoolClient | pg.Client;

export interface LoginCandidate {
  id: number;
  email: string;
  passwordHash: string | null;
  lockedUntil: Date | null;
  disabled: boolean;
}

/** The account with this email (any case), for checking a sign-in. */
export async function findLoginCandidate(db: Db, email: string): Promise<LoginCandidate | undefined> {
  const { rows } = await db.query<{ id: string; email: string; password_hash: string | null; locked_until: Date | null; disabled: boolean }>(
    `SELECT id, email, password_hash, CASE WHEN locked_until > now() THEN locked_until END AS locked_until, disabled
       FROM app_user WHERE lower(email) = lower($1)`,
    [email],
  );
  const r = rows[0];
  return r && { id: Number(r.id), email: r.email, passwordHash: r.password_hash, lockedUntil: r.locked_until, disabled: r.disabled };
}

/**
 * Counts a failed sign-in; at `maxFailures` the account locks for `lockMinutes` and the count starts
 * again. Returns the lock's end when this failure locked it.
 */
export async function recordLoginFailure(db: Db, userId: number, maxFailures: number, lockMinutes: number): Promise<Date | null> {
  const { rows } = await db.query<{ locked_until: Date | null }>(
    `UPDATE app_user
        SET failed_logins = CASE WHEN failed_logins + 1 >= $2 THEN 0 ELSE failed_logins + 1 END,
            locked_until = CASE WHEN failed_logins + 1 >= $2 THEN now() + make_interval(mins => $3) ELSE locked_until END
      WHERE id = $1
      RETURNING CASE WHEN locked_until > now() THEN locked_until END AS locked_until`,
    [userId, maxFailures, lockMinutes],
  );
  return rows[0]?.locked_until ?? null;
}

export interface NewSession {
  /** Goes into the cookie; the database keeps only its hash. */
  token: string;
  csrfToken: string;
  expiresAt: Date;
}

/** Starts a session for a user who just proved who they are, and clears their failure count. */
export async function createSession(
  db: Db,
  userId: number,
  opts: { ttlSeconds: number; ip?: string; userAgent?: string },
): Promise<NewSession> {
  const token = newToken();
  const csrfToken = newToken();
  const { rows } = await db.query<{ expires_at: Date }>(
    `WITH cleared AS (UPDATE app_user SET failed_logins = 0, locked_until = NULL WHERE id = $2)
     INSERT INTO session (id, user_id, csrf_token, expires_at, ip, user_agent)
     VALUES ($1, $2, $3, now() + make_interval(secs => $4), $5, left($6, 512))
     RETURNING expires_at`,
    [hashToken(token), userId, csrfToken, opts.ttlSeconds, opts.ip ?? null, opts.userAgent ?? null],
  );
  return { token, csrfToken, expiresAt: rows[0].expires_at };
}

export interface LoadedSession {
  user: SessionUser;
  csrfToken: string;
}

/**
 * The live session behind a cookie token with its user and memberships, or undefined when the token
 * is unknown, expired, idle longer than `idleSeconds`, or its user is disabled. Marks it seen at
 * most once a minute, so a page of tile requests does not write a row each.
 */
export async function loadSession(db: Db, token: string, idleSeconds: number): Promise<LoadedSession | undefined> {
  const { rows } = await db.query<{
    user_id: string;
    email: string;
    name: string;
    preferred_language: SessionUser['language'];
    platform_admin: boolean;
    csrf_token: string;
    memberships: { municipalityId: number; municipalityCode: string; municipalityName: string; role: Role }[];
  }>(
    `WITH live AS (
       SELECT s.id, s.user_id, s.csrf_token, s.last_seen_at
         FROM session s JOIN app_user u ON u.id = s.user_id
        WHERE s.id = $1 AND s.expires_at > now() AND s.last_seen_at > now() - make_interval(secs => $2) AND NOT u.disabled
     ), seen AS (
       UPDATE session SET last_seen_at = now()
        WHERE id = (SELECT id FROM live WHERE last_seen_at < now() - interval '1 minute')
     )
     SELECT live.user_id, u.email, u.name, u.preferred_language, u.platform_admin, live.csrf_token,
            coalesce((SELECT json_agg(json_build_object('municipalityId', m.municipality_id, 'municipalityCode', mu.code,
                                                        'municipalityName', mu.name, 'role', m.role) ORDER BY mu.code)
                        FROM membership m JOIN municipality mu ON mu.id = m.municipality_id
                       WHERE m.user_id = live.user_id), '[]'::json) AS memberships
       FROM live JOIN app_user u ON u.id = live.user_id`,
    [hashToken(token), idleSeconds],
  );
  const r = rows[0];
  if (!r) return undefined;
  return {
    csrfToken: r.csrf_token,
    user: {
      id: Number(r.user_id),
      email: r.email,
      name: r.name,
      language: r.preferred_language,
      platformAdmin: r.platform_admin,
      memberships: r.memberships,
    },
  };
}

/** Ends the session behind a cookie token (logout). */
export async function deleteSession(db: Db, token: string): Promise<void> {
  await db.query('DELETE FROM session WHERE id = $1', [hashToken(token)]);
}

/** Removes sessions past their end; called now and then, not per request. */
export async function deleteExpiredSessions(db: Db): Promise<number> {
  const { rowCount } = await db.query('DELETE FROM session WHERE expires_at <= now()');
  return rowCount ?? 0;
}

export interface NewUser {
  email: string;
  name?: string;
  language?: SessionUser['language'];
  passwordHash: string | null;
  platformAdmin?: boolean;
}

/** Creates an account and returns its id; undefined when the email is taken. */
export async function createUser(db: Db, user: NewUser): Promise<number | undefined> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO app_user (email, name, preferred_language, password_hash, platform_admin)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT ((lower(email))) DO NOTHING
     RETURNING id`,
    [user.email, user.name ?? '', user.language ?? 'lv', user.passwordHash, user.platformAdmin ?? false],
  );
  return rows[0] ? Number(rows[0].id) : undefined;
}

/** Gives a user a role in a municipality (replacing the role held there before). */
export async function setMembership(db: Db, userId: number, municipalityId: number, role: Role): Promise<void> {
  await db.query(
    `INSERT INTO membership (user_id, municipality_id, role) VALUES ($1, $2, $3)
     ON CONFLICT (user_id, municipality_id) DO UPDATE SET role = EXCLUDED.role`,
    [userId, municipalityId, role],
  );
}

export interface Invitation {
  email: string;
  name: string;
  language?: SessionUser['language'];
  municipalityId: number;
  role: Role;
}

/**
 * Gives the account with this email the role in the municipality, creating the account (without a
 * password) when there is none, in one statement. `created` tells the caller whom to send a
 * password link and whom only a notice; an existing account keeps its name and language.
 */
export async function inviteToMunicipality(db: Db, invitation: Invitation): Promise<{ userId: number; created: boolean }> {
  const { rows } = await db.query<{ id: string; created: boolean }>(
    // DO UPDATE (a no-op) instead of DO NOTHING: it waits for and returns a row that a concurrent
    // invitation of the same email inserted after this statement's snapshot, which a separate
    // SELECT would not see; xmax = 0 tells a row inserted here from one that existed.
    `WITH account AS (
       INSERT INTO app_user (email, name, preferred_language, password_hash)
       VALUES ($1, $2, $3, NULL)
       ON CONFLICT ((lower(email))) DO UPDATE SET email = app_user.email
       RETURNING id, (xmax = 0) AS created
     ), joined AS (
       INSERT INTO membership (user_id, municipality_id, role)
       SELECT id, $4, $5 FROM account
       ON CONFLICT (user_id, municipality_id) DO UPDATE SET role = EXCLUDED.role
     )
     SELECT id, created FROM account`,
    [invitation.email, invitation.name, invitation.language ?? 'lv', invitation.municipalityId, invitation.role],
  );
  if (!rows[0]) throw new Error('inviting a user: the account was neither created nor found');
  return { userId: Number(rows[0].id), created: rows[0].created };
}

/** Whether any platform administrator or municipality administrator exists. */
export async function administratorExists(db: Db): Promise<boolean> {
  const { rows } = await db.query<{ found: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM app_user WHERE platform_admin AND NOT disabled)
         OR EXISTS (SELECT 1 FROM membership m JOIN app_user u ON u.id = m.user_id WHERE m.role = 'admin' AND NOT u.disabled) AS found`,
  );
  return rows[0].found;
}

/** Stores a reset token for the account with this email; undefined (nothing stored) when there is no usable account. */
export async function createPasswordReset(db: Db, email: string, ttlSeconds: number): Promise<{ token: string; email: string } | undefined> {
  const token = newToken();
  const { rows } = await db.query<{ email: string }>(
    `INSERT INTO password_reset (token_hash, user_id, expires_at)
     SELECT $1, id, now() + make_interval(secs => $3) FROM app_user WHERE lower(email) = lower($2) AND NOT disabled
     RETURNING (SELECT email FROM app_user WHERE id = user_id)`,
    [hashToken(token), email, ttlSeconds],
  );
  return rows[0] ? { token, email: rows[0].email } : undefined;
}

/**
 * Sets a new password with a reset token, in one statement: the token is used up, the lock is
 * cleared and every session of the account ends. Returns the user's email and id, or undefined
 * when the token is unknown, used or expired.
 */
export async function resetPassword(db: Db, token: string, passwordHash: string): Promise<{ userId: number; email: string } | undefined> {
  const { rows } = await db.query<{ id: string; email: string }>(
    `WITH used AS (
       UPDATE password_reset SET used_at = now()
        WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()
        RETURNING user_id
     ), ended AS (
       DELETE FROM session WHERE user_id IN (SELECT user_id FROM used)
     )
     UPDATE app_user SET password_hash = $2, failed_logins = 0, locked_until = NULL
      WHERE id IN (SELECT user_id FROM used) AND NOT disabled
      RETURNING id, email`,
    [hashToken(token), passwordHash],
  );
  return rows[0] ? { userId: Number(rows[0].id), email: rows[0].email } : undefined;
}

/** The email of a reset token still usable, to check the new password against it. */
export async function resetTokenEmail(db: Db, token: string): Promise<string | undefined> {
  const { rows } = await db.query<{ email: string }>(
    `SELECT u.email FROM password_reset r JOIN app_user u ON u.id = r.user_id
      WHERE r.token_hash = $1 AND r.used_at IS NULL AND r.expires_at > now() AND NOT u.disabled`,
    [hashToken(token)],
  );
  return rows[0]?.email;
}

/** A member of a municipality, as its administrators see them. */
export interface Member {
  id: number;
  email: string;
  name: string;
  language: string;
  role: Role;
  disabled: boolean;
  /** When the user last made a request with a live session; null when never or expired. */
  lastSeenAt: string | null;
}

/** The municipality's members, by email. */
export async function listMembers(db: Db, municipalityId: number): Promise<Member[]> {
  const { rows } = await db.query(
    `SELECT u.id, u.email, u.name, u.preferred_language AS language, m.role, u.disabled,
            (SELECT max(s.last_seen_at) FROM session s WHERE s.user_id = u.id) AS last_seen_at
       FROM membership m JOIN app_user u ON u.id = m.user_id
      WHERE m.municipality_id = $1
      ORDER BY lower(u.email)`,
    [municipalityId],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    email: r.email,
    name: r.name,
    language: r.language,
    role: r.role,
    disabled: r.disabled,
    lastSeenAt: r.last_seen_at ? new Date(r.last_seen_at).toISOString() : null,
  }));
}

/** Removes a user's role in a municipality; true when they had one. */
export async function removeMembership(db: Db, userId: number, municipalityId: number): Promise<boolean> {
  const { rowCount } = await db.query('DELETE FROM membership WHERE user_id = $1 AND municipality_id = $2', [userId, municipalityId]);
  return (rowCount ?? 0) > 0;
}

/** Disables or enables an account; disabling ends its sessions. False when there is no such user. */
export async function setUserDisabled(db: Db, userId: number, disabled: boolean): Promise<boolean> {
  const { rowCount } = await db.query('UPDATE app_user SET disabled = $2 WHERE id = $1', [userId, disabled]);
  if (disabled) await db.query('DELETE FROM session WHERE user_id = $1', [userId]);
  return (rowCount ?? 0) > 0;
}
