import type { Kysely, Selectable } from 'kysely';
import type {
  NewWebhookEndpoint,
  Page,
  PageRequest,
  WebhookEndpoint,
  WebhookEndpointPatch,
  WebhookEndpointRepository,
  WebhookSecret,
} from '../types.js';
import { decodeCursor, toPage } from '../paging.js';
import type { Database, WebhookEndpointsTable } from './schema.js';

const PUBLIC_COLUMNS = [
  'id', 'tenant_id', 'url', 'description', 'events', 'enabled', 'disabled_reason', 'failing_since', 'created_at', 'updated_at',
] as const;

type EndpointRow = Pick<Selectable<WebhookEndpointsTable>, (typeof PUBLIC_COLUMNS)[number]>;

function toEndpoint(row: EndpointRow): WebhookEndpoint {
  return {
    id: row.id,
    tenant_id: row.tenant_id,
    url: row.url,
    description: row.description,
    events: row.events,
    enabled: row.enabled,
    disabled_reason: row.disabled_reason,
    failing_since: row.failing_since ? new Date(row.failing_since) : null,
    created_at: new Date(row.created_at),
    updated_at: new Date(row.updated_at),
  };
}

export function toSecrets(stored: { ciphertext: string; expires_at: string | null }[]): WebhookSecret[] {
  return stored.map((s) => ({ ciphertext: s.ciphertext, expires_at: s.expires_at ? new Date(s.expires_at) : null }));
}

function storedSecrets(secrets: WebhookSecret[]): string {
  return JSON.stringify(secrets.map((s) => ({ ciphertext: s.ciphertext, expires_at: s.expires_at?.toISOString() ?? null })));
}

export class SqlWebhookEndpointRepository implements WebhookEndpointRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async create(e: NewWebhookEndpoint): Promise<WebhookEndpoint> {
    const row = await this.db
      .insertInto('webhook_endpoints')
      .values({
        id: e.id,
        tenant_id: e.tenant_id,
        url: e.url,
        description: e.description,
        events: JSON.stringify(e.events),
        enabled: true,
        secrets: storedSecrets(e.secrets),
        created_at: e.created_at,
        updated_at: e.created_at,
      })
      .returning(PUBLIC_COLUMNS)
      .executeTakeFirstOrThrow();
    return toEndpoint(row);
  }

  async get(tenantId: string, id: string): Promise<WebhookEndpoint | undefined> {
    const row = await this.db
      .selectFrom('webhook_endpoints')
      .select(PUBLIC_COLUMNS)
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toEndpoint(row);
  }

  async list(tenantId: string, page: PageRequest): Promise<Page<WebhookEndpoint>> {
    const after = decodeCursor(page.cursor);
    let query = this.db.selectFrom('webhook_endpoints').select(PUBLIC_COLUMNS).where('tenant_id', '=', tenantId);
    if (after) query = query.where('id', '>', after);
    const rows = await query.orderBy('id').limit(page.limit + 1).execute();
    return toPage(rows.map(toEndpoint), page.limit);
  }

  async update(tenantId: string, id: string, patch: WebhookEndpointPatch, at: Date): Promise<WebhookEndpoint | undefined> {
    const row = await this.db
      .updateTable('webhook_endpoints')
      .set({
        updated_at: at,
        ...(patch.url !== undefined ? { url: patch.url } : {}),
        ...(patch.description !== undefined ? { description: patch.description } : {}),
        ...(patch.events !== undefined ? { events: JSON.stringify(patch.events) } : {}),
        ...(patch.enabled !== undefined ? { enabled: patch.enabled } : {}),
        ...(patch.enabled === true ? { disabled_reason: null, failing_since: null } : {}),
        ...(patch.enabled === false ? { disabled_reason: 'by_user' } : {}),
      })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .returning(PUBLIC_COLUMNS)
      .executeTakeFirst();
    return row && toEndpoint(row);
  }

  async remove(tenantId: string, id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('webhook_endpoints').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async secrets(id: string): Promise<WebhookSecret[]> {
    const row = await this.db.selectFrom('webhook_endpoints').select('secrets').where('id', '=', id).executeTakeFirst();
    return row ? toSecrets(row.secrets) : [];
  }

  async setSecrets(id: string, secrets: WebhookSecret[], at: Date): Promise<void> {
    await this.db.updateTable('webhook_endpoints').set({ secrets: storedSecrets(secrets), updated_at: at }).where('id', '=', id).execute();
  }

  async subscribedTypes(tenantId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('webhook_endpoints')
      .select('events')
      .where('tenant_id', '=', tenantId)
      .where('enabled', '=', true)
      .execute();
    return [...new Set(rows.flatMap((r) => r.events))];
  }

  async disable(id: string, reason: string, at: Date): Promise<WebhookEndpoint | undefined> {
    const row = await this.db
      .updateTable('webhook_endpoints')
      .set({ enabled: false, disabled_reason: reason, updated_at: at })
      .where('id', '=', id)
      .where('enabled', '=', true)
      .returning(PUBLIC_COLUMNS)
      .executeTakeFirst();
    if (!row) return undefined;
    await this.db
      .updateTable('webhook_deliveries')
      .set({ status: 'dead', lease: null, last_error: `endpoint disabled (${reason})`, updated_at: at, finished_at: at })
      .where('endpoint_id', '=', id)
      .where('status', '=', 'pending')
      .execute();
    return toEndpoint(row);
  }
}
