import { sql, type Kysely } from 'kysely';
import type {
  CatalogItem,
  Interaction,
  InteractionRepository,
  InteractionType,
  RecommendationQuery,
  ScoredItem,
} from '../types.js';
import type { Database } from './schema.js';

/** How much one event says about interest in an item; ratings count by how far above neutral they are. */
const TYPE_WEIGHT: Record<InteractionType, number> = { view: 1, click: 2, add_to_cart: 4, purchase: 8, rating: 0 };

export function interactionWeight(type: InteractionType, value: number | null): number {
  if (type !== 'rating') return TYPE_WEIGHT[type];
  const rating = value ?? 3;
  return rating >= 3 ? 1 + 2 * (rating - 3) : 0.1;
}

export class SqlInteractionRepository implements InteractionRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async addEvents(tenantId: string, events: Interaction[]): Promise<{ accepted: number; duplicates: number }> {
    if (events.length === 0) return { accepted: 0, duplicates: 0 };
    const inserted = await this.db
      .insertInto('interactions')
      .values(
        events.map((e) => ({
          tenant_id: tenantId,
          event_id: e.id,
          type: e.type,
          user_id: e.user_id,
          item_id: e.item_id,
          value: e.value,
          weight: interactionWeight(e.type, e.value),
          occurred_at: e.occurred_at,
        })),
      )
      .onConflict((oc) => oc.columns(['tenant_id', 'event_id']).doNothing())
      .returning('event_id')
      .execute();
    return { accepted: inserted.length, duplicates: events.length - inserted.length };
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

  async userItems(tenantId: string, userId: string, limit: number): Promise<string[]> {
    const rows = await sql<{ item_id: string }>`
      select item_id from interactions
      where tenant_id = ${tenantId} and user_id = ${userId}
      group by item_id
      order by max(occurred_at) desc, item_id
      limit ${limit}`.execute(this.db);
    return rows.rows.map((r) => r.item_id);
  }

  async coOccurring(seedItems: string[], q: RecommendationQuery): Promise<ScoredItem[]> {
    if (seedItems.length === 0) return [];
    const rows = await sql<ScoredItem>`
      with seed_users as (
        select distinct user_id from interactions where tenant_id = ${q.tenant_id} and item_id = any(${seedItems})
      ), co as (
        select i.item_id, sum(i.weight) as w
        from interactions i join seed_users s on s.user_id = i.user_id
        where i.tenant_id = ${q.tenant_id} and not (i.item_id = any(${q.exclude}))
        group by i.item_id
      ), pop as (
        select item_id, sum(weight) as p from interactions
        where tenant_id = ${q.tenant_id} and item_id in (select item_id from co)
        group by item_id
      )
      select co.item_id, (co.w / sqrt(pop.p))::float8 as score
      from co join pop on pop.item_id = co.item_id
      ${this.categoryJoin(q, sql.ref('co.item_id'))}
      order by score desc, co.item_id
      limit ${q.limit}`.execute(this.db);
    return rows.rows;
  }

  async popular(q: RecommendationQuery): Promise<ScoredItem[]> {
    const rows = await sql<ScoredItem>`
      select i.item_id, sum(i.weight)::float8 as score
      from interactions i
      ${this.categoryJoin(q, sql.ref('i.item_id'))}
      where i.tenant_id = ${q.tenant_id} and not (i.item_id = any(${q.exclude}))
      group by i.item_id
      order by score desc, i.item_id
      limit ${q.limit}`.execute(this.db);
    return rows.rows;
  }

  private categoryJoin(q: RecommendationQuery, itemRef: ReturnType<typeof sql.ref>) {
    if (q.category === undefined) return sql``;
    return sql`join items it on it.tenant_id = ${q.tenant_id} and it.item_id = ${itemRef} and it.category = ${q.category}`;
  }
}
