import type { Page, PageRequest } from './page.js';

/** The audit chain's anchor: the first row's prev_hash. */
export const GENESIS_HASH = '0'.repeat(64);

export type AuditOutcome = 'success' | 'failure' | 'denied';

export interface AuditEntry {
  at: Date;
  actor_key_id: string | null;
  actor_role: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  tenant_id: string | null;
  request_id: string | null;
  ip: string | null;
  outcome: AuditOutcome;
  status: number | null;
  /** Already redacted by the caller. */
  diff: Record<string, unknown> | null;
}

export interface AuditRecord extends AuditEntry {
  seq: number;
  id: string;
  prev_hash: string;
  hash: string;
}

export interface AuditFilter {
  tenant_id?: string | undefined;
  target_id?: string | undefined;
  actor_key_id?: string | undefined;
  action?: string | undefined;
  outcome?: AuditOutcome | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

export interface AuditRepository {
  /** Appends under a lock so the chain has one head even with several writers; hashes with `chainHash`. */
  append(entry: AuditEntry, chainHash: (seq: number, entry: AuditEntry, prevHash: string) => string): Promise<AuditRecord>;
  list(filter: AuditFilter, page: PageRequest): Promise<Page<AuditRecord>>;
  /** Rows in chain order after `afterSeq`, for verification. */
  walk(afterSeq: number, limit: number): Promise<AuditRecord[]>;
}
