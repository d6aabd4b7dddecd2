import { sql, type Kysely } from 'kysely';
import type { Repositories, TransactionRepositories } from '../types.js';
import { SqlApiKeyRepository } from './api-key-repository.js';
import { SqlAuditRepository } from './audit-repository.js';
import { migrate, openDatabase, ping, type DatabaseOptions } from './database.js';
import { SqlFeedbackRepository } from './feedback-repository.js';
import { SqlInteractionRepository } from './interaction-repository.js';
import { SqlKnowledgeRepository } from './knowledge-repository.js';
import { SqlInvoiceRepository } from './invoice-repository.js';
import { SqlTaxonomyRepository } from './taxonomy-repository.js';
import { SqlTenantRepository } from './tenant-repository.js';
import { SqlUsageRepository } from './usage-repository.js';
import { SqlOutboxRepository } from './outbox-repository.js';
import type { Database } from './schema.js';
import { SqlWebhookDeliveryRepository } from './webhook-delivery-repository.js';
import { SqlWebhookEndpointRepository } from './webhook-endpoint-repository.js';

/** Every repository over one handle: the database, or a transaction. */
function repositoriesOver(db: Kysely<Database>): TransactionRepositories {
  return {
    tenants: new SqlTenantRepository(db),
    invoices: new SqlInvoiceRepository(db),
    keys: new SqlApiKeyRepository(db),
    audit: new SqlAuditRepository(db),
    usage: new SqlUsageRepository(db),
    interactions: new SqlInteractionRepository(db),
    knowledge: new SqlKnowledgeRepository(db),
    feedback: new SqlFeedbackRepository(db),
    taxonomies: new SqlTaxonomyRepository(db),
    outbox: new SqlOutboxRepository(db),
    webhookEndpoints: new SqlWebhookEndpointRepository(db),
    webhookDeliveries: new SqlWebhookDeliveryRepository(db),
  };
}

/** Opens PGlite or PostgreSQL, runs the migrations, and returns every repository over that one database. */
export async function openSqlRepositories(options: DatabaseOptions): Promise<Repositories> {
  const { db, kind } = await openDatabase(options);
  try {
    await migrate(db);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return {
    kind,
    ...repositoriesOver(db),
    transaction: (work) => db.transaction().execute((tx) => work(repositoriesOver(tx))),
    async maintain(options = {}) {
      if (kind !== 'pglite') return;
      await sql.raw(options.vacuum ? 'vacuum analyze' : 'analyze').execute(db);
    },
    ping: () => ping(db),
    close: () => db.destroy(),
  };
}
