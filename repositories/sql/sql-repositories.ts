import type { Repositories } from '../types.js';
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

/** Opens PGlite or PostgreSQL, runs the migrations, and returns every repository over that one database. */
export async function openSqlRepositories(options: DatabaseOptions): Promise<Repositories & { kind: 'pglite' | 'postgres' }> {
  const { db, kind } = await openDatabase(options);
  try {
    await migrate(db);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return {
    kind,
    tenants: new SqlTenantRepository(db),
    invoices: new SqlInvoiceRepository(db),
    keys: new SqlApiKeyRepository(db),
    audit: new SqlAuditRepository(db),
    usage: new SqlUsageRepository(db),
    interactions: new SqlInteractionRepository(db),
    knowledge: new SqlKnowledgeRepository(db),
    feedback: new SqlFeedbackRepository(db),
    taxonomies: new SqlTaxonomyRepository(db),
    ping: () => ping(db),
    close: () => db.destroy(),
  };
}
