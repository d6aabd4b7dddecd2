import type { Kysely, Selectable } from 'kysely';
import type { AdminRole, ApiKeyRecord, ApiKeyRepository, KeyKind, NewApiKey, Page, PageRequest } from '../types.js';
import { newId } from '../ids.js';
import { decodeCursor, toPage } from '../paging.js';
import type { ApiKeysTable, Database } from './schema.js';

const date = (d: Date | string | null): Date | null => (d === null ? null : new Date(d));

function toRecord(row: Selectable<ApiKeysTable>): ApiKeyRecord {
  return {
    id: row.id,
    kind: row.kind,
    tenant_id: row.tenant_id,
    name: row.name,
    mode: row.mode,
    scopes: row.scopes ?? [],
    role: row.role,
    start: row.start,
    created_at: new Date(row.created_at),
    expires_at: date(row.expires_at),
    revoked_at: date(row.revoked_at),
    last_used_at: date(row.last_used_at),
    ip_allow: row.ip_allow ?? [],
    replaced_by: row.replaced_by,
  };
}

/** Columns returned to callers: never the hash or the encrypted secret. */
const PUBLIC_COLUMNS = [
  'id', 'kind', 'tenant_id', 'name', 'mode', 'scopes', 'role', 'start', 'created_at', 'expires_at', 'revoked_at', 'last_used_at',
  'ip_allow', 'replaced_by',
] as const;

export class SqlApiKeyRepository implements ApiKeyRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async create(key: NewApiKey): Promise<ApiKeyRecord> {
    const row = await this.db
      .insertInto('api_keys')
      .values({
        id: newId('key'),
        kind: key.kind,
        tenant_id: key.tenant_id,
        name: key.name,
        mode: key.mode,
        scopes: JSON.stringify(key.scopes),
        role: key.role,
        key_hash: key.hash,
        start: key.start,
        expires_at: key.expires_at,
        ip_allow: JSON.stringify(key.ip_allow),
        secret_ciphertext: key.secret_ciphertext,
      })
      .returning(PUBLIC_COLUMNS)
      .executeTakeFirstOrThrow();
    return toRecord(row as Selectable<ApiKeysTable>);
  }

  async findByHash(hash: string): Promise<ApiKeyRecord | undefined> {
    const row = await this.db.selectFrom('api_keys').select(PUBLIC_COLUMNS).where('key_hash', '=', hash).executeTakeFirst();
    return row && toRecord(row as Selectable<ApiKeysTable>);
  }

  async get(id: string): Promise<ApiKeyRecord | undefined> {
    const row = await this.db.selectFrom('api_keys').select(PUBLIC_COLUMNS).where('id', '=', id).executeTakeFirst();
    return row && toRecord(row as Selectable<ApiKeysTable>);
  }

  async list(filter: { kind: KeyKind; tenant_id?: string }, page: PageRequest): Promise<Page<ApiKeyRecord>> {
    const after = decodeCursor(page.cursor);
    let query = this.db.selectFrom('api_keys').select(PUBLIC_COLUMNS).where('kind', '=', filter.kind);
    if (filter.tenant_id) query = query.where('tenant_id', '=', filter.tenant_id);
    if (after) query = query.where('id', '>', after);
    const rows = await query.orderBy('id').limit(page.limit + 1).execute();
    return toPage(rows.map((r) => toRecord(r as Selectable<ApiKeysTable>)), page.limit);
  }

  async countActiveAdminKeys(now: Date, role?: AdminRole): Promise<number> {
    const row = await this.db
      .selectFrom('api_keys')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('kind', '=', 'admin')
      .$if(role !== undefined, (qb) => qb.where('role', '=', role!))
      .where('revoked_at', 'is', null)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async revoke(id: string, at: Date): Promise<ApiKeyRecord | undefined> {
    await this.db.updateTable('api_keys').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).execute();
    return this.get(id);
  }

  async signingSecret(id: string): Promise<{ ciphertext: string; hash: string } | undefined> {
    const row = await this.db.selectFrom('api_keys').select(['secret_ciphertext', 'key_hash']).where('id', '=', id).executeTakeFirst();
    return row?.secret_ciphertext ? { ciphertext: row.secret_ciphertext, hash: row.key_hash } : undefined;
  }

  async markReplaced(id: string, replacedBy: string, expiresAt: Date): Promise<ApiKeyRecord | undefined> {
    // Never extends a key's life: an earlier expiry stays.
    await this.db
      .updateTable('api_keys')
      .set((eb) => ({
        replaced_by: replacedBy,
        expires_at: eb.fn('least', [eb.ref('expires_at'), eb.val(expiresAt)]),
      }))
      .where('id', '=', id)
      .execute();
    return this.get(id);
  }

  async touch(id: string, at: Date): Promise<void> {
    await this.db.updateTable('api_keys').set({ last_used_at: at }).where('id', '=', id).execute();
  }
}
