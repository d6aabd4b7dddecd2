import { sql, type Kysely } from 'kysely';
import type { UsageGroup, UsageRecord, UsageRepository, UsageTotals } from '../types.js';
import type { Database } from './schema.js';

const GROUP_COLUMN: Record<UsageGroup, ReturnType<typeof sql<string>>> = {
  day: sql<string>`to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD')`,
  task: sql<string>`task`,
  provider: sql<string>`coalesce(provider, 'none')`,
  key: sql<string>`coalesce(key_id, 'none')`,
};

const INSERT_CHUNK = 1_000;
const LEDGER_COLUMNS = [
  'event_id', 'tenant_id', 'key_id', 'request_id', 'task', 'provider', 'model', 'status', 'input_tokens', 'output_tokens',
  'latency_ms', 'unit_price', 'cost_micros', 'pricing_version', 'occurred_at',
] as const satisfies readonly (keyof UsageRecord)[];
const COLUMN_LIST = sql.raw(LEDGER_COLUMNS.join(', '));

export class SqlUsageRepository implements UsageRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * One JSON parameter per chunk, expanded by json_populate_recordset: 2–3× the rows/s of a multi-row VALUES insert on
   * PGlite (whose WASM runs on the event loop, so this is request capacity) and no 65 535-parameter ceiling.
   */
  async insertMany(rows: readonly UsageRecord[]): Promise<number> {
    let inserted = 0;
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      const chunk = JSON.stringify(rows.slice(i, i + INSERT_CHUNK));
      const result = await sql`insert into usage_ledger (${COLUMN_LIST})
        select ${COLUMN_LIST} from json_populate_recordset(null::usage_ledger, ${chunk}::json)
        on conflict (event_id) do nothing`.execute(this.db);
      inserted += Number(result.numAffectedRows ?? 0);
    }
    return inserted;
  }

  async summarize(tenantId: string, range: { from: Date; to: Date }, groupBy: UsageGroup): Promise<UsageTotals[]> {
    const group = GROUP_COLUMN[groupBy];
    const rows = await this.db
      .selectFrom('usage_ledger')
      .select([
        group.as('group'),
        sql<string>`count(*)`.as('requests'),
        sql<string>`coalesce(sum(input_tokens), 0)`.as('input_tokens'),
        sql<string>`coalesce(sum(output_tokens), 0)`.as('output_tokens'),
        sql<string>`coalesce(sum(cost_micros), 0)`.as('cost_micros'),
      ])
      .where('tenant_id', '=', tenantId)
      .where('occurred_at', '>=', range.from)
      .where('occurred_at', '<', range.to)
      .groupBy(group)
      .orderBy(group)
      .execute();
    return rows.map((r) => ({
      group: r.group,
      requests: Number(r.requests),
      input_tokens: Number(r.input_tokens),
      output_tokens: Number(r.output_tokens),
      cost_micros: Number(r.cost_micros),
    }));
  }

  async exportBatch(
    range: { from: Date; to: Date; tenant_id?: string | undefined },
    after: { occurred_at: Date; event_id: string } | null,
    limit: number,
  ): Promise<UsageRecord[]> {
    let query = this.db
      .selectFrom('usage_ledger')
      .selectAll()
      .where('occurred_at', '>=', range.from)
      .where('occurred_at', '<', range.to);
    if (range.tenant_id) query = query.where('tenant_id', '=', range.tenant_id);
    // A row-value comparison walks the (occurred_at, event_id) index straight from the last row sent.
    if (after) query = query.where(sql<boolean>`(occurred_at, event_id) > (${after.occurred_at}, ${after.event_id})`);
    const rows = await query.orderBy('occurred_at').orderBy('event_id').limit(limit).execute();
    return rows.map((r) => ({ ...r, occurred_at: new Date(r.occurred_at), cost_micros: Number(r.cost_micros), unit_price: r.unit_price ?? {} }));
  }

  async billingTotals(tenantId: string, range: { from: Date; to: Date }) {
    const row = await this.db
      .selectFrom('usage_ledger')
      .select([
        sql<string>`count(*)`.as('requests'),
        sql<string>`count(*) filter (where unit_price ? 'per_request_micros')`.as('local_requests'),
        sql<string>`coalesce(sum(cost_micros) filter (where unit_price ? 'per_request_micros'), 0)`.as('local_cost_micros'),
        sql<string>`coalesce(sum(cost_micros) filter (where not (unit_price ? 'per_request_micros')), 0)`.as('provider_cost_micros'),
      ])
      .where('tenant_id', '=', tenantId)
      .where('occurred_at', '>=', range.from)
      .where('occurred_at', '<', range.to)
      .executeTakeFirstOrThrow();
    return {
      requests: Number(row.requests),
      local_requests: Number(row.local_requests),
      local_cost_micros: Number(row.local_cost_micros),
      provider_cost_micros: Number(row.provider_cost_micros),
    };
  }

  async totalsSince(tenantId: string, from: Date): Promise<{ requests: number; tokens: number; cost_micros: number }> {
    const row = await this.db
      .selectFrom('usage_ledger')
      .select([
        sql<string>`count(*)`.as('requests'),
        sql<string>`coalesce(sum(input_tokens + output_tokens), 0)`.as('tokens'),
        sql<string>`coalesce(sum(cost_micros), 0)`.as('cost_micros'),
      ])
      .where('tenant_id', '=', tenantId)
      .where('occurred_at', '>=', from)
      .executeTakeFirstOrThrow();
    return { requests: Number(row.requests), tokens: Number(row.tokens), cost_micros: Number(row.cost_micros) };
  }

  async count(filter: { tenant_id?: string }): Promise<number> {
    let query = this.db.selectFrom('usage_ledger').select(sql<string>`count(*)`.as('n'));
    if (filter.tenant_id) query = query.where('tenant_id', '=', filter.tenant_id);
    return Number((await query.executeTakeFirstOrThrow()).n);
  }
}
