import { sql, type Kysely } from 'kysely';
import type { KnowledgeEntry, KnowledgeRepository, NewKnowledgeEntry } from '../types.js';
import type { Database } from './schema.js';

const COLUMNS = ['id', 'question', 'answer', 'tags', 'language', 'created_at'] as const;

export class SqlKnowledgeRepository implements KnowledgeRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async upsert(tenantId: string, entries: NewKnowledgeEntry[]): Promise<void> {
    // One row per id: PostgreSQL refuses to update the same row twice in one statement; the last one wins.
    const unique = [...new Map(entries.map((e) => [e.id, e])).values()];
    if (unique.length === 0) return;
    await this.db
      .insertInto('knowledge_entries')
      .values(unique.map((e) => ({ tenant_id: tenantId, ...e, tags: JSON.stringify(e.tags) })))
      .onConflict((oc) =>
        oc.columns(['tenant_id', 'id']).doUpdateSet((eb) => ({
          question: eb.ref('excluded.question'),
          answer: eb.ref('excluded.answer'),
          tags: eb.ref('excluded.tags'),
          language: eb.ref('excluded.language'),
          updated_at: sql`now()`,
        })),
      )
      .execute();
  }

  async list(tenantId: string, page: { limit: number; after?: string | undefined }): Promise<KnowledgeEntry[]> {
    let query = this.db.selectFrom('knowledge_entries').select(COLUMNS).where('tenant_id', '=', tenantId);
    // Byte order, the same on every database whatever its collation, so pages never skip or repeat an id.
    if (page.after !== undefined) query = query.where(sql<string>`id collate "C"`, '>', page.after);
    return query.orderBy(sql`id collate "C"`).limit(page.limit).execute();
  }

  async get(tenantId: string, id: string): Promise<KnowledgeEntry | undefined> {
    return this.db.selectFrom('knowledge_entries').select(COLUMNS).where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  }

  async remove(tenantId: string, id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('knowledge_entries').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async signature(tenantId: string): Promise<string> {
    const row = await sql<{ n: string; latest: Date | string | null }>`
      select count(*) as n, max(updated_at) as latest from knowledge_entries where tenant_id = ${tenantId}`.execute(this.db);
    const { n, latest } = row.rows[0]!;
    return `${n}:${latest === null ? '' : new Date(latest).getTime()}`;
  }

  async all(tenantId: string): Promise<KnowledgeEntry[]> {
    return this.db.selectFrom('knowledge_entries').select(COLUMNS).where('tenant_id', '=', tenantId).orderBy('created_at').orderBy('id').execute();
  }
}
