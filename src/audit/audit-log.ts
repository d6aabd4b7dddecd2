import { createHash } from 'node:crypto';
import { canonicalJson as canonical } from '../canonical-json.js';
import { GENESIS_HASH, type AuditEntry, type AuditRecord, type AuditRepository } from '../../repositories/types.js';

const VERIFY_BATCH = 500;
const SECRET_FIELD = /secret|token|password|key_hash|api_key|ciphertext|authorization/i;

/** Deep copy with every secret-looking field replaced, so a diff can never carry a key into the log. */
export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value instanceof Date) return value.toISOString();
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_FIELD.test(k) ? '[redacted]' : redact(v)]));
  }
  return value;
}

export function chainHash(seq: number, entry: AuditEntry, prevHash: string): string {
  const fields: AuditEntry = {
    at: entry.at,
    actor_key_id: entry.actor_key_id,
    actor_role: entry.actor_role,
    action: entry.action,
    target_type: entry.target_type,
    target_id: entry.target_id,
    tenant_id: entry.tenant_id,
    request_id: entry.request_id,
    ip: entry.ip,
    outcome: entry.outcome,
    status: entry.status,
    diff: entry.diff,
  };
  return createHash('sha256').update(`${seq}\n${prevHash}\n${canonical(fields)}`).digest('hex');
}

export type VerifyResult = { ok: true; checked: number } | { ok: false; checked: number; first_broken_seq: number };

/** The append-only, hash-chained record of admin mutations and key events. */
export class AuditLog {
  constructor(
    private readonly repo: AuditRepository,
    private readonly clock: () => Date,
  ) {}

  async record(entry: Omit<AuditEntry, 'at' | 'diff'> & { diff?: unknown }): Promise<AuditRecord> {
    const diff = entry.diff === undefined || entry.diff === null ? null : (redact(entry.diff) as Record<string, unknown>);
    return this.repo.append({ ...entry, at: this.clock(), diff }, chainHash);
  }

  /** Walks the whole chain in batches; the first row whose link or content does not add up is named. */
  async verify(): Promise<VerifyResult> {
    let prevHash = GENESIS_HASH;
    let expectedSeq = 1;
    let checked = 0;
    for (;;) {
      const rows = await this.repo.walk(expectedSeq - 1, VERIFY_BATCH);
      for (const row of rows) {
        const broken =
          row.seq !== expectedSeq ||
          row.prev_hash !== prevHash ||
          chainHash(row.seq, row, row.prev_hash) !== row.hash;
        if (broken) return { ok: false, checked, first_broken_seq: Math.min(row.seq, expectedSeq) };
        prevHash = row.hash;
        expectedSeq = row.seq + 1;
        checked++;
      }
      if (rows.length < VERIFY_BATCH) return { ok: true, checked };
    }
  }
}
