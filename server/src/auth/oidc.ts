import { createHash } from 'node:crypto';
import * as openid from 'openid-client';
import type pg from 'pg';
import { UserError } from '../plugins/errors.js';
import { ROLES, type Role } from './roles.js';

/** A municipality's identity provider, as stored in `oidc_provider`. */
export interface OidcProviderSettings {
  municipalityId: number;
  issuer: string;
  clientId: string;
  clientSecret: string;
  displayName: string;
  scopes: string;
  groupsClaim: string;
  roleMap: Record<string, Role>;
  enabled: boolean;
}

/** The user an ID token names, and the role its groups give in the municipality. */
export interface OidcIdentity {
  issuer: string;
  subject: string;
  email: string;
  emailVerified: boolean;
  name: string;
  role: Role | null;
  groups: string[];
}

const LOGIN_TTL_SECONDS = 600;
const sha256 = (text: string) => createHash('sha256').update(text).digest();

/** A refused sign-in: the provider's answer did not check out. Nothing was written. */
const refused = (message: string) => new UserError(400, `OpenID Connect sign-in refused: ${message} Start the sign-in again.`);

export async function loadProvider(db: pg.Pool | pg.PoolClient, municipalityId: number): Promise<OidcProviderSettings | undefined> {
  const { rows } = await db.query('SELECT * FROM oidc_provider WHERE municipality_id = $1', [municipalityId]);
  const r = rows[0];
  return (
    r && {
      municipalityId: r.municipality_id,
      issuer: r.issuer,
      clientId: r.client_id,
      clientSecret: r.client_secret,
      displayName: r.display_name,
      scopes: r.scopes,
      groupsClaim: r.groups_claim,
      roleMap: r.role_map,
      enabled: r.enabled,
    }
  );
}

/** The strongest role any of the user's groups maps to, or null. */
export function roleFromGroups(groups: string[], roleMap: Record<string, Role>): Role | null {
  let best = -1;
  for (const g of groups) {
    const role = roleMap[g];
    if (role) best = Math.max(best, ROLES.indexOf(role));
  }
  return best < 0 ? null : ROLES[best];
}

/** Plain http is allowed only for a provider on this machine (development and tests). */
const isLoopback = (issuer: string) => ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(issuer).hostname);

/**
 * OpenID Connect authorization code flow with PKCE, state and nonce (openid-client), per
 * municipality. The pending sign-in lives in `oidc_login` (state hashed) and is used once.
 */
export class OidcSignIn {
  private configs = new Map<string, { at: number; config: Promise<openid.Configuration> }>();

  constructor(private readonly pool: pg.Pool) {}

  private configuration(p: OidcProviderSettings): Promise<openid.Configuration> {
    const key = `${p.issuer}\n${p.clientId}\n${p.clientSecret}`;
    const hit = this.configs.get(key);
    if (hit && Date.now() - hit.at < 3600_000) return hit.config;
    const config = openid
      .discovery(new URL(p.issuer), p.clientId, p.clientSecret, undefined, isLoopback(p.issuer) ? { execute: [openid.allowInsecureRequests] } : {})
      .catch((cause) => {
        this.configs.delete(key);
        throw new UserError(502, `The identity provider ${p.issuer} could not be reached or described itself wrongly (${(cause as Error).message}). Try again later or sign in with a password.`);
      });
    this.configs.set(key, { at: Date.now(), config });
    return config;
  }

  /** Registers a pending sign-in and returns the provider's authorization URL to send the browser to. */
  async start(p: OidcProviderSettings, redirectUri: string): Promise<URL> {
    const config = await this.configuration(p);
    const state = openid.randomState();
    const nonce = openid.randomNonce();
    const verifier = openid.randomPKCECodeVerifier();
    await this.pool.query('DELETE FROM oidc_login WHERE expires_at < now()');
    await this.pool.query(
      `INSERT INTO oidc_login (state_hash, municipality_id, nonce, code_verifier, redirect_uri, expires_at)
       VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6))`,
      [sha256(state), p.municipalityId, nonce, verifier, redirectUri, LOGIN_TTL_SECONDS],
    );
    return openid.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: p.scopes,
      state,
      nonce,
      code_challenge: await openid.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
  }

  /**
   * Checks the provider's answer at the callback URL: a pending sign-in for this state (used up
   * here), the code exchanged with the PKCE verifier, the ID token's signature, issuer, audience and
   * nonce. Any mismatch is a 400 and leaves no session.
   */
  async finish(p: OidcProviderSettings, callbackUrl: URL): Promise<OidcIdentity> {
    const error = callbackUrl.searchParams.get('error');
    if (error) {
      const description = callbackUrl.searchParams.get('error_description');
      throw refused(`the identity provider answered "${error.slice(0, 60)}"${description ? ` (${description.slice(0, 200)})` : ''}.`);
    }
    const state = callbackUrl.searchParams.get('state');
    if (!state || state.length > 200) throw refused('the answer carries no state.');
    const { rows } = await this.pool.query<{ nonce: string; code_verifier: string; redirect_uri: string }>(
      `DELETE FROM oidc_login WHERE state_hash = $1 AND municipality_id = $2 AND expires_at > now()
       RETURNING nonce, code_verifier, redirect_uri`,
      [sha256(state), p.municipalityId],
    );
    const pending = rows[0];
    if (!pending) throw refused('this sign-in is unknown, already used or expired.');
    const config = await this.configuration(p);
    // The token request must name the same redirect URI as the authorization request.
    const current = new URL(pending.redirect_uri);
    current.search = callbackUrl.search;
    let tokens;
    try {
      tokens = await openid.authorizationCodeGrant(config, current, {
        pkceCodeVerifier: pending.code_verifier,
        expectedState: state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
    } catch (cause) {
      throw refused(`the code or the ID token did not check out (${(cause as Error).message.slice(0, 200)}).`);
    }
    const claims = tokens.claims();
    if (!claims) throw refused('the provider sent no ID token.');
    const email = typeof claims.email === 'string' ? claims.email.trim() : '';
    if (!email || email.length > 254 || !email.includes('@')) throw refused('the ID token has no email; the provider must release the "email" scope.');
    const rawGroups = claims[p.groupsClaim];
    const groups = Array.isArray(rawGroups) ? rawGroups.filter((g): g is string => typeof g === 'string') : typeof rawGroups === 'string' ? [rawGroups] : [];
    return {
      issuer: String(claims.iss),
      subject: String(claims.sub),
      email,
      emailVerified: claims.email_verified === true,
      name: typeof claims.name === 'string' ? claims.name.slice(0, 200) : '',
      role: roleFromGroups(groups, p.roleMap),
      groups,
    };
  }
}

/**
 * The account of an external identity: the one linked to (issuer, subject); else an account with the
 * same email when the provider verified it, which is then linked; else a new account without a
 * password. The role in the municipality becomes what the groups say (removed when they say nothing).
 * Runs in the caller's transaction.
 * @returns the account id
 */
export async function accountForIdentity(client: pg.PoolClient, municipalityId: number, who: OidcIdentity): Promise<number> {
  let userId: number | undefined;
  const linked = await client.query<{ user_id: string }>('UPDATE user_identity SET last_login = now() WHERE issuer = $1 AND subject = $2 RETURNING user_id', [
    who.issuer,
    who.subject,
  ]);
  if (linked.rows[0]) userId = Number(linked.rows[0].user_id);
  if (userId === undefined) {
    const existing = await client.query<{ id: string }>('SELECT id FROM app_user WHERE lower(email) = lower($1)', [who.email]);
    if (existing.rows[0]) {
      if (!who.emailVerified) {
        throw new UserError(409, `An account with ${who.email} exists, and the identity provider did not confirm this email, so it cannot be linked. Sign in with your password.`);
      }
      userId = Number(existing.rows[0].id);
    } else {
      const created = await client.query<{ id: string }>(
        `INSERT INTO app_user (email, name, password_hash) VALUES ($1, $2, NULL) RETURNING id`,
        [who.email, who.name],
      );
      userId = Number(created.rows[0].id);
    }
    await client.query('INSERT INTO user_identity (issuer, subject, user_id, last_login) VALUES ($1, $2, $3, now())', [who.issuer, who.subject, userId]);
  }
  const { rows: state } = await client.query<{ disabled: boolean }>('SELECT disabled FROM app_user WHERE id = $1', [userId]);
  if (state[0]?.disabled) throw new UserError(403, 'This account is disabled; ask your municipality’s administrator.');
  if (who.role) {
    await client.query(
      `INSERT INTO membership (user_id, municipality_id, role) VALUES ($1, $2, $3)
       ON CONFLICT (user_id, municipality_id) DO UPDATE SET role = EXCLUDED.role`,
      [userId, municipalityId, who.role],
    );
  } else {
    await client.query('DELETE FROM membership WHERE user_id = $1 AND municipality_id = $2', [userId, municipalityId]);
  }
  return userId;
}
