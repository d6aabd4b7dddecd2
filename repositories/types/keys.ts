import type { Page, PageRequest } from './page.js';

export type KeyKind = 'tenant' | 'admin';
export type KeyMode = 'bearer' | 'signed';
export type AdminRole = 'owner' | 'operator' | 'billing' | 'auditor';

export interface ApiKeyRecord {
  id: string;
  kind: KeyKind;
  tenant_id: string | null;
  name: string;
  mode: KeyMode;
  scopes: string[];
  role: AdminRole | null;
  /** First 12 characters of the key, safe to display. */
  start: string;
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
  /** Addresses and CIDRs the key may be used from; empty = anywhere the tenant allows. */
  ip_allow: string[];
  /** Set when the key was rotated: the id of its successor. */
  replaced_by: string | null;
}

export type NewApiKey = Omit<ApiKeyRecord, 'id' | 'created_at' | 'revoked_at' | 'last_used_at' | 'replaced_by'> & {
  /** SHA-256 of the full key, hex. A bearer key itself is never stored. */
  hash: string;
  /** Signed keys only: the signing secret, encrypted (the gateway needs it back to check HMACs). */
  secret_ciphertext: string | null;
};

export interface ApiKeyRepository {
  create(key: NewApiKey): Promise<ApiKeyRecord>;
  findByHash(hash: string): Promise<ApiKeyRecord | undefined>;
  get(id: string): Promise<ApiKeyRecord | undefined>;
  list(filter: { kind: KeyKind; tenant_id?: string }, page: PageRequest): Promise<Page<ApiKeyRecord>>;
  /** Active admin keys, of one role when given. */
  countActiveAdminKeys(now: Date, role?: AdminRole): Promise<number>;
  revoke(id: string, at: Date): Promise<ApiKeyRecord | undefined>;
  /** A signed key's encrypted signing secret, with the hash it was bound to when encrypted. */
  signingSecret(id: string): Promise<{ ciphertext: string; hash: string } | undefined>;
  /** Rotation: the old key points at its successor and stops working at `expiresAt`. */
  markReplaced(id: string, replacedBy: string, expiresAt: Date): Promise<ApiKeyRecord | undefined>;
  touch(id: string, at: Date): Promise<void>;
}
