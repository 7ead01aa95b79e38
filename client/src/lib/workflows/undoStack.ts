/**
 * The last edits of this session, newest on top, and how each is taken back through the API:
 * an update or a delete by restoring the state before it, a create by deleting the new feature.
 */
export interface EditRecord {
  layerId: string;
  featureId: number;
  kind: 'create' | 'update' | 'delete';
  /** The version before the edit (none for a create). */
  before: number | null;
  /** The version the edit produced (the last version for a delete). */
  after: number;
  /** For a delete: the feature as it was, to create it again (the server cannot restore a deleted row). */
  snapshot?: { geometry: unknown; properties: Record<string, unknown> };
}

/** The API call that takes an edit back. */
export type UndoRequest =
  | { method: 'DELETE'; path: string; version: number }
  | { method: 'POST'; path: string; body: { version: number; toVersion: number } }
  | { method: 'POST'; path: string; body: { geometry: unknown; properties: Record<string, unknown> } };

/** Columns the server keeps itself; a re-created feature must not send them. */
const serverColumns = new Set(['id', 'version', 'updated_at', 'updated_by', 'created_at', 'created_by', 'municipality_id']);

const featurePath = (e: EditRecord) => `/api/layers/${encodeURIComponent(e.layerId)}/features/${e.featureId}`;

/**
 * The request that undoes `edit`: a create is deleted at the version it produced; an update is
 * restored to the version before it; a delete is undone by creating the feature again from its snapshot.
 */
export function undoRequest(edit: EditRecord): UndoRequest {
  if (edit.kind === 'create') return { method: 'DELETE', path: featurePath(edit), version: edit.after };
  if (edit.kind === 'delete') {
    if (!edit.snapshot) throw new Error(`The delete of feature ${edit.featureId} kept no snapshot to create it again from`);
    const properties = Object.fromEntries(Object.entries(edit.snapshot.properties).filter(([k]) => !serverColumns.has(k)));
    return { method: 'POST', path: `/api/layers/${encodeURIComponent(edit.layerId)}/features`, body: { geometry: edit.snapshot.geometry, properties } };
  }
  if (edit.before === null) throw new Error(`An ${edit.kind} of feature ${edit.featureId} has no earlier version to go back to`);
  return { method: 'POST', path: `${featurePath(edit)}/restore`, body: { version: edit.after, toVersion: edit.before } };
}

/** A bounded stack of edits: pushing beyond `limit` forgets the oldest. */
export class UndoStack {
  #edits: EditRecord[] = [];
  constructor(readonly limit = 20) {}

  push(edit: EditRecord) {
    this.#edits.push(edit);
    if (this.#edits.length > this.limit) this.#edits.shift();
  }

  /** The newest edit, without removing it. */
  peek(): EditRecord | undefined {
    return this.#edits.at(-1);
  }

  pop(): EditRecord | undefined {
    return this.#edits.pop();
  }

  get size() {
    return this.#edits.length;
  }

  /** Another edit of the same feature moved its version on: later undos must build on that one. */
  rebase(layerId: string, featureId: number, version: number) {
    const top = this.#edits.findLast((e) => e.layerId === layerId && e.featureId === featureId);
    if (top) top.after = version;
  }
}
