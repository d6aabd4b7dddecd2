import { sql, type Kysely, type Selectable } from 'kysely';
import { GENESIS_HASH, type AuditEntry, type AuditFilter, type AuditRecord, type AuditRepository, type Page, type PageRequest } from '../types.js';
import { atomically } from './atomically.js';
import { newId } from '../ids.js';
import { decodeCursor, toPage } from '../paging.js';
import type { AuditLogTable, Database } from './schema.js';

/** Any constant works; it only has to be the same on every instance. */
const AUDIT_LOCK_ID = 7_290_431;

function toRecord(row: Selectable<AuditLogTable>): AuditRecord {
  return {
    seq: Number(row.seq),
    id: row.id,
    at: new Date(row.at),
    actor_key_id: row.actor_key_id,
    actor_role: row.actor_role,
    action: row.action,
    target_type: row.target_type,
    target_id: row.target_id,
    tenant_id: row.tenant_id,
    request_id: row.request_id,
    ip: row.ip,
    outcome: row.outcome as AuditRecord['outcome'],
    status: row.status,
    diff: row.diff ?? null,
    prev_hash: row.prev_hash,
    hash: row.hash,
  };
}

export class SqlAuditRepository implements AuditRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async append(entry: AuditEntry, chainHash: (seq: number, entry: AuditEntry, prevHash: string) => string): Promise<AuditRecord> {
    return atomically(this.db, async (tx) => {
      // One writer at a time across every instance, so each row links to the true head.
      await sql`select pg_advisory_xact_lock(${AUDIT_LOCK_ID})`.execute(tx);
      const head = await tx.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
      const seq = head ? Number(head.seq) + 1 : 1;
      const prevHash = head?.hash ?? GENESIS_HASH;
      const row = await tx
        .insertInto('audit_log')
        .values({
          ...entry,
          seq,
          id: newId('aud'),
          diff: JSON.stringify(entry.diff),
          prev_hash: prevHash,
          hash: chainHash(seq, entry, prevHash),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toRecord(row);
    });
  }

  async list(filter: AuditFilter, page: PageRequest): Promise<Page<AuditRecord>> {
    const after = decodeCursor(page.cursor);
    let query = this.db.selectFrom('audit_log').selectAll();
    if (filter.tenant_id) query = query.where('tenant_id', '=', filter.tenant_id);
    if (filter.target_id) query = query.where('target_id', '=', filter.target_id);
    if (filter.actor_key_id) query = query.where('actor_key_id', '=', filter.actor_key_id);
    if (filter.action) query = query.where('action', '=', filter.action);
    if (filter.outcome) query = query.where('outcome', '=', filter.outcome);
    if (filter.from) query = query.where('at', '>=', filter.from);
    if (filter.to) query = query.where('at', '<', filter.to);
    // Newest first; the cursor is the id (time-sortable) of the last row seen.
    if (after) query = query.where('id', '<', after);
    const rows = await query.orderBy('id', 'desc').limit(page.limit + 1).execute();
    return toPage(rows.map(toRecord), page.limit);
  }

  async walk(afterSeq: number, limit: number): Promise<AuditRecord[]> {
    const rows = await this.db.selectFrom('audit_log').selectAll().where('seq', '>', afterSeq).orderBy('seq').limit(limit).execute();
    return rows.map(toRecord);
  }
}
