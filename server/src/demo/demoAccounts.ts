import type pg from 'pg';
import { hashPassword } from '../auth/password.js';
import { createUser, setMembership } from '../auth/repository.js';
import type { Role } from '../auth/roles.js';

/** The password of every demo account; documented in the README, so only ever used in demo mode. */
export const DEMO_PASSWORD = 'marupe-demo-2024';

/** One demo account per role in the demo municipality, e.g. `editor@demo.example`. */
export const demoAccounts: { email: string; name: string; role: Role }[] = [
  { email: 'viewer@demo.example', name: 'Demo planotājs', role: 'viewer' },
  { email: 'official@demo.example', name: 'Demo amatpersona', role: 'official' },
  { email: 'editor@demo.example', name: 'Demo ĢIS speciālists', role: 'editor' },
  { email: 'admin@demo.example', name: 'Demo administrators', role: 'admin' },
];

/**
 * Creates the demo accounts in the demo municipality; accounts that exist are left as they are.
 * Call it only in demo mode (embedded database or SEED_DEMO=true): the password is public.
 * @returns the emails created
 */
export async function seedDemoAccounts(db: pg.Pool | pg.PoolClient | pg.Client, municipalityId: number): Promise<string[]> {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const created: string[] = [];
  for (const account of demoAccounts) {
    const id = await createUser(db, { email: account.email, name: account.name, passwordHash });
    if (id === undefined) continue;
    await setMembership(db, id, municipalityId, account.role);
    created.push(account.email);
  }
  return created;
}
