import { getJson, send, type LocalizedText, type Options, type Role } from '../api';

/** Who reads a layer's records: anyone, or a role of the municipality and stronger ones. */
export type ReadRole = 'public' | Role;

export interface Member {
  id: number;
  email: string;
  name: string;
  language: string;
  role: Role;
  disabled: boolean;
  lastSeenAt: string | null;
}

export interface LayerAccess {
  id: string;
  title: LocalizedText;
  group: string;
  restricted: boolean;
  readRole: ReadRole;
}

export interface AuditEntry {
  id: number;
  at: string;
  userId: number | null;
  userEmail: string | null;
  municipalityCode: string | null;
  action: string;
  layerId: string | null;
  featureId: string | null;
  details: Record<string, unknown>;
  ip: string | null;
}

export interface AuditFilter {
  municipalityId?: number;
  action?: string;
  layerId?: string;
  from?: string;
  to?: string;
}

const query = (params: Record<string, string | number | undefined>) => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const text = q.toString();
  return text ? `?${text}` : '';
};

export const fetchMembers = async (opts: Options = {}) => (await getJson<{ users: Member[] }>('/api/admin/users', opts)).users;

export const inviteMember = (body: { email: string; name: string; municipalityId: number; role: Role }) =>
  send<{ id: number }>('POST', '/api/admin/users', body);

export const setMemberRole = (userId: number, municipalityId: number, role: Role) =>
  send<unknown>('PUT', '/api/admin/memberships', { userId, municipalityId, role });

/** Ends the user's role in the municipality: what a municipality's administrator does to take someone's access away. */
export const removeMember = (userId: number, municipalityId: number) =>
  send<unknown>('DELETE', `/api/admin/memberships/${userId}?municipalityId=${municipalityId}`, undefined);

/** Disables the account on the whole platform (platform administrators only). */
export const setMemberDisabled = (userId: number, disabled: boolean) =>
  send<unknown>('PUT', `/api/admin/users/${userId}/disabled`, { disabled });

export const fetchLayerAccess = async (opts: Options = {}) => (await getJson<{ layers: LayerAccess[] }>('/api/admin/layers', opts)).layers;

export const setLayerAccess = (layerId: string, readRole: ReadRole) =>
  send<LayerAccess>('PUT', `/api/admin/layers/${encodeURIComponent(layerId)}/access`, { readRole });

export const fetchAudit = (filter: AuditFilter, page: { limit: number; offset: number }, opts: Options = {}) =>
  getJson<{ total: number; entries: AuditEntry[] }>(`/api/audit${query({ ...filter, ...page })}`, opts);

export interface MunicipalitySettings {
  id: number;
  code: string;
  name: string;
  nameEn: string | null;
  defaultLanguage: 'lv' | 'en' | 'uk';
  wmsKeys: { name: string; sources: string[]; masked: string | null; serverWide: boolean }[];
}

export const fetchSettings = (opts: Options = {}) => getJson<MunicipalitySettings>('/api/admin/municipality', opts);

export const saveSettings = (change: {
  name?: string;
  nameEn?: string | null;
  defaultLanguage?: 'lv' | 'en' | 'uk';
  wmsKeys?: Record<string, string | null>;
}) => send<MunicipalitySettings>('PUT', '/api/admin/municipality', change);

export const auditExportUrl = (filter: AuditFilter) => `/api/audit/export${query({ ...filter })}`;
