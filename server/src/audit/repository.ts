import type pg from 'pg';

type Db = pg.Pool | pg.PoolClient | pg.Client;

/** One audit entry to write. */
export interface AuditEntry {
  userId: number | null;
  municipalityId: number | null;
  /** 'read' for reads of personal data; 'create' / 'update' / 'delete' for changes. */
  action: string;
  layerId?: string | null;
  featureId?: string | number | null;
  /** Reads: {via, count, filter…}; changes: {before, after}. */
  details?: Record<string, unknown>;
  ip?: string | null;
}

/** Appends one entry; the table refuses UPDATE and DELETE. */
export async function insertAuditEntry(db: Db, entry: AuditEntry): Promise<void> {
  await db.query(
    `INSERT INTO audit_log (user_id, municipality_id, action, layer_id, feature_id, details, ip)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [
      entry.userId,
      entry.municipalityId,
      entry.action,
      entry.layerId ?? null,
      entry.featureId === undefined || entry.featureId === null ? null : String(entry.featureId),
      JSON.stringify(entry.details ?? {}),
      entry.ip ?? null,
    ],
  );
}

/**
 * Which entries to list; `municipalityIds: null` means every municipality (platform administrators).
 * The sign-in events (`auth.*`) of the municipalities' members are listed with their entries.
 */
export interface AuditQuery {
  municipalityIds: number[] | null;
  userId?: number;
  layerId?: string;
  action?: string;
  from?: Date;
  to?: Date;
}

export interface AuditRow {
  id: number;
  at: string;
  userId: number | null;
  userEmail: string | null;
  municipalityId: number | null;
  municipalityCode: string | null;
  action: string;
  layerId: string | null;
  featureId: string | null;
  details: Record<string, unknown>;
  ip: string | null;
}

function whereClause(q: AuditQuery): { where: string; values: unknown[] } {
  const values: unknown[] = [];
  const conditions: string[] = [];
  const add = (sql: (p: string) => string, value: unknown) => {
    values.push(value);
    conditions.push(sql(`$${values.length}`));
  };
  // A municipality's entries, and the sign-in events of its members wherever they signed in (an
  // account is not bound to one municipality; its administrators must see who signs in as their people).
  if (q.municipalityIds) {
    add(
      (p) =>
        `(a.municipality_id = ANY(${p}::int[]) OR (a.action LIKE 'auth.%' AND a.user_id IN (SELECT user_id FROM membership WHERE municipality_id = ANY(${p}::int[]))))`,
      q.municipalityIds,
    );
  }
  if (q.userId !== undefined) add((p) => `a.user_id = ${p}`, q.userId);
  if (q.layerId) add((p) => `a.layer_id = ${p}`, q.layerId);
  if (q.action) add((p) => `a.action = ${p}`, q.action);
  if (q.from) add((p) => `a.at >= ${p}`, q.from);
  if (q.to) add((p) => `a.at < ${p}`, q.to);
  return { where: conditions.length ? `WHERE ${conditions.join(' AND ')}` : '', values };
}

/** How many entries match. */
export async function countAuditEntries(db: Db, q: AuditQuery): Promise<number> {
  const { where, values } = whereClause(q);
  const { rows } = await db.query<{ n: string }>(`SELECT count(*) AS n FROM audit_log a ${where}`, values);
  return Number(rows[0].n);
}

/** A page of matching entries, newest first. */
export async function listAuditEntries(db: Db, q: AuditQuery, page: { limit: number; offset: number }): Promise<AuditRow[]> {
  const { where, values } = whereClause(q);
  const n = values.length;
  const { rows } = await db.query<AuditRow>(
    `SELECT a.id::int8::float8 AS "id", to_char(a.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "at",
            a.user_id::float8 AS "userId", u.email AS "userEmail",
            a.municipality_id AS "municipalityId", m.code AS "municipalityCode",
            a.action, a.layer_id AS "layerId", a.feature_id AS "featureId", a.details, a.ip
       FROM audit_log a
       LEFT JOIN app_user u ON u.id = a.user_id
       LEFT JOIN municipality m ON m.id = a.municipality_id
      ${where}
      ORDER BY a.at DESC, a.id DESC
      LIMIT $${n + 1} OFFSET $${n + 2}`,
    [...values, page.limit, page.offset],
  );
  return rows;
}
