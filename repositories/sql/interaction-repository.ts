import { sql, type Kysely } from 'kysely';
import type { CatalogItem, CategoryPage, CategoryQuery, Interaction, InteractionRepository, InteractionType, StoredInteraction } from '../types.js';
import type { Database } from './schema.js';

const EVENT_COLUMNS = sql.raw('tenant_id, event_id, type, user_id, item_id, value, occurred_at');

interface EventRow {
  seq: string;
  event_id: string;
  type: string;
  user_id: string;
  item_id: string;
  value: number | null;
  occurred_at: Date | string;
}

function toStored(r: EventRow): StoredInteraction {
  return {
    seq: Number(r.seq),
    id: r.event_id,
    type: r.type as InteractionType,
    user_id: r.user_id,
    item_id: r.item_id,
    value: r.value,
    occurred_at: new Date(r.occurred_at),
  };
}

export class SqlInteractionRepository implements InteractionRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** One JSON parameter expanded by json_populate_recordset: far more rows/s than a multi-row VALUES on PGlite. */
  async addEvents(tenantId: string, events: Interaction[]): Promise<{ stored: StoredInteraction[]; duplicates: number }> {
    if (events.length === 0) return { stored: [], duplicates: 0 };
    const rows = JSON.stringify(
      events.map((e) => ({
        tenant_id: tenantId,
        event_id: e.id,
        type: e.type,
        user_id: e.user_id,
        item_id: e.item_id,
        value: e.value,
        occurred_at: e.occurred_at.toISOString(),
      })),
    );
    const inserted = await sql<{ seq: string; event_id: string }>`insert into interactions (${EVENT_COLUMNS})
      select ${EVENT_COLUMNS} from json_populate_recordset(null::interactions, ${rows}::json)
      on conflict (tenant_id, event_id) do nothing
      returning seq, event_id`.execute(this.db);
    // Only the sequence comes back: the rest is what was sent (the first event of a repeated id is the one stored).
    const byId = new Map<string, Interaction>();
    for (const e of events) if (!byId.has(e.id)) byId.set(e.id, e);
    const stored = inserted.rows.map((r) => ({ ...byId.get(r.event_id)!, seq: Number(r.seq) })).sort((a, b) => a.seq - b.seq);
    return { stored, duplicates: events.length - stored.length };
  }

  async upsertItems(tenantId: string, items: CatalogItem[]): Promise<number> {
    // One row per item id: PostgreSQL refuses to update the same row twice in one statement.
    const unique = [...new Map(items.map((i) => [i.item_id, i])).values()];
    if (unique.length === 0) return 0;
    await this.db
      .insertInto('items')
      .values(
        unique.map((i) => ({
          tenant_id: tenantId,
          item_id: i.item_id,
          title: i.title,
          category: i.category,
          attributes: JSON.stringify(i.attributes),
        })),
      )
      .onConflict((oc) =>
        oc.columns(['tenant_id', 'item_id']).doUpdateSet((eb) => ({
          title: eb.ref('excluded.title'),
          category: eb.ref('excluded.category'),
          attributes: eb.ref('excluded.attributes'),
          updated_at: sql`now()`,
        })),
      )
      .execute();
    return unique.length;
  }

  async eventsSince(tenantId: string, afterSeq: number, limit: number): Promise<StoredInteraction[]> {
    const rows = await this.db
      .selectFrom('interactions')
      .select(['seq', 'event_id', 'type', 'user_id', 'item_id', 'value', 'occurred_at'])
      .where('tenant_id', '=', tenantId)
      .where('seq', '>', String(afterSeq))
      .orderBy('seq')
      .limit(limit)
      .execute();
    return rows.map(toStored);
  }

  async windowStart(tenantId: string, count: number): Promise<number> {
    const row = await this.db
      .selectFrom('interactions')
      .select('seq')
      .where('tenant_id', '=', tenantId)
      .orderBy('seq', 'desc')
      .offset(count)
      .limit(1)
      .executeTakeFirst();
    return row ? Number(row.seq) : 0;
  }

  async itemCategories(tenantId: string, query: CategoryQuery): Promise<CategoryPage> {
    // The database's clock, read before the rows: the next "changed since" compares with its own stamps, never ours.
    const { rows } = await sql<{ now: Date | string }>`select now() as now`.execute(this.db);
    const asOf = new Date(rows[0]!.now);
    let q = this.db.selectFrom('items').select(['item_id', 'category', 'updated_at']).where('tenant_id', '=', tenantId);
    if ('itemIds' in query) {
      if (query.itemIds.length === 0) return { items: [], asOf };
      q = q.where('item_id', 'in', query.itemIds);
    } else {
      q = q.where('updated_at', '>=', query.changedSince).orderBy('updated_at').limit(query.limit);
    }
    const found = await q.execute();
    return { items: found.map((r) => ({ item_id: r.item_id, category: r.category, updated_at: new Date(r.updated_at) })), asOf };
  }
}
