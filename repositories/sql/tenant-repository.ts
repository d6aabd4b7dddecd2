import type { Kysely, Selectable } from 'kysely';
import type { NewTenant, Page, PageRequest, Tenant, TenantPatch, TenantRepository } from '../types.js';
import { newId } from '../ids.js';
import { decodeCursor, toPage } from '../paging.js';
import type { Database, TenantsTable } from './schema.js';

function toTenant(row: Selectable<TenantsTable>): Tenant {
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    allowed_providers: row.allowed_providers ?? null,
    metadata: row.metadata ?? {},
    ip_rules: row.ip_rules ?? { allow: [], deny: [] },
    quota: row.quota ?? {},
    plan: row.plan ?? null,
    created_at: new Date(row.created_at),
  };
}

export class SqlTenantRepository implements TenantRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async create(tenant: NewTenant): Promise<Tenant> {
    const row = await this.db
      .insertInto('tenants')
      .values({
        id: newId('tnt'),
        name: tenant.name,
        status: 'active',
        allowed_providers: JSON.stringify(tenant.allowed_providers ?? null),
        metadata: JSON.stringify(tenant.metadata ?? {}),
        plan: tenant.plan ?? null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toTenant(row);
  }

  async get(id: string): Promise<Tenant | undefined> {
    const row = await this.db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toTenant(row);
  }

  async list(page: PageRequest): Promise<Page<Tenant>> {
    const after = decodeCursor(page.cursor);
    let query = this.db.selectFrom('tenants').selectAll().orderBy('id').limit(page.limit + 1);
    if (after) query = query.where('id', '>', after);
    return toPage((await query.execute()).map(toTenant), page.limit);
  }

  async update(id: string, patch: TenantPatch): Promise<Tenant | undefined> {
    const values: Record<string, string | null> = {};
    if (patch.plan !== undefined) values.plan = patch.plan;
    if (patch.name !== undefined) values.name = patch.name;
    if (patch.status !== undefined) values.status = patch.status;
    if (patch.allowed_providers !== undefined) values.allowed_providers = JSON.stringify(patch.allowed_providers);
    if (patch.metadata !== undefined) values.metadata = JSON.stringify(patch.metadata);
    if (patch.ip_rules !== undefined) values.ip_rules = JSON.stringify(patch.ip_rules);
    if (patch.quota !== undefined) values.quota = JSON.stringify(patch.quota);
    if (Object.keys(values).length === 0) return this.get(id);
    const row = await this.db.updateTable('tenants').set(values).where('id', '=', id).returningAll().executeTakeFirst();
    return row && toTenant(row);
  }
}
