import type { Kysely } from 'kysely';
import type { ExampleSource, TaxonomyExample, TaxonomyRepository, TaxonomyVersion } from '../types.js';
import type { Database } from './schema.js';

export class SqlTaxonomyRepository implements TaxonomyRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async addExamples(tenantId: string, taxonomy: string, examples: readonly TaxonomyExample[], source: ExampleSource): Promise<number> {
    if (examples.length === 0) return 0;
    await this.db
      .insertInto('taxonomy_examples')
      .values(examples.map((e) => ({ tenant_id: tenantId, taxonomy, text: e.text, label: e.label, source })))
      .execute();
    return examples.length;
  }

  async examples(tenantId: string, taxonomy: string, throughId?: number) {
    let query = this.db
      .selectFrom('taxonomy_examples')
      .select(['id', 'text', 'label'])
      .where('tenant_id', '=', tenantId)
      .where('taxonomy', '=', taxonomy);
    if (throughId !== undefined) query = query.where('id', '<=', String(throughId));
    const rows = await query.orderBy('id').execute();
    return rows.map((r) => ({ id: Number(r.id), text: r.text, label: r.label }));
  }

  async countSince(tenantId: string, taxonomy: string, afterId: number): Promise<number> {
    const row = await this.db
      .selectFrom('taxonomy_examples')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('tenant_id', '=', tenantId)
      .where('taxonomy', '=', taxonomy)
      .where('id', '>', String(afterId))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async current(tenantId: string, taxonomy: string): Promise<TaxonomyVersion | undefined> {
    const row = await this.db
      .selectFrom('taxonomy_models')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('taxonomy', '=', taxonomy)
      .executeTakeFirst();
    return row ? { ...row, last_example_id: Number(row.last_example_id), trained_at: new Date(row.trained_at) } : undefined;
  }

  async saveVersion(v: TaxonomyVersion): Promise<void> {
    const values = { ...v, labels: JSON.stringify(v.labels) };
    await this.db
      .insertInto('taxonomy_models')
      .values(values)
      .onConflict((oc) => oc.columns(['tenant_id', 'taxonomy']).doUpdateSet(values))
      .execute();
  }

  async rememberInput(tenantId: string, requestId: string, taxonomy: string, text: string): Promise<void> {
    await this.db
      .insertInto('task_inputs')
      .values({ tenant_id: tenantId, request_id: requestId, taxonomy, text })
      .onConflict((oc) => oc.columns(['tenant_id', 'request_id']).doNothing())
      .execute();
  }

  async inputFor(tenantId: string, requestId: string) {
    return this.db
      .selectFrom('task_inputs')
      .select(['taxonomy', 'text'])
      .where('tenant_id', '=', tenantId)
      .where('request_id', '=', requestId)
      .executeTakeFirst();
  }

  async takeInput(tenantId: string, requestId: string): Promise<boolean> {
    const result = await this.db.deleteFrom('task_inputs').where('tenant_id', '=', tenantId).where('request_id', '=', requestId).executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }

  async labels(tenantId: string, taxonomy: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('taxonomy_examples')
      .select('label')
      .distinct()
      .where('tenant_id', '=', tenantId)
      .where('taxonomy', '=', taxonomy)
      .execute();
    return rows.map((r) => r.label);
  }

  async forgetInputs(before: Date): Promise<number> {
    const result = await this.db.deleteFrom('task_inputs').where('created_at', '<', before).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
