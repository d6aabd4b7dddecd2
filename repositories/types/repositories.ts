import type { AuditRepository } from './audit.js';
import type { InteractionRepository } from './interactions.js';
import type { InvoiceRepository } from './invoices.js';
import type { ApiKeyRepository } from './keys.js';
import type { KnowledgeRepository } from './knowledge.js';
import type { FeedbackRepository, TaxonomyRepository } from './taxonomies.js';
import type { TenantRepository } from './tenants.js';
import type { UsageRepository } from './usage.js';
import type { OutboxRepository, WebhookDeliveryRepository, WebhookEndpointRepository } from './webhooks.js';

/** The repositories a transaction hands out: writes through them commit or roll back together. */
export type TransactionRepositories = Omit<Repositories, 'kind' | 'ping' | 'close' | 'transaction' | 'maintain'>;

export interface Repositories {
  /** PGlite is the embedded store: one process owns it. */
  kind: 'pglite' | 'postgres';
  tenants: TenantRepository;
  invoices: InvoiceRepository;
  keys: ApiKeyRepository;
  audit: AuditRepository;
  usage: UsageRepository;
  interactions: InteractionRepository;
  knowledge: KnowledgeRepository;
  feedback: FeedbackRepository;
  taxonomies: TaxonomyRepository;
  outbox: OutboxRepository;
  webhookEndpoints: WebhookEndpointRepository;
  webhookDeliveries: WebhookDeliveryRepository;
  /** Runs `work` in one transaction over every repository. */
  transaction<T>(work: (tx: TransactionRepositories) => Promise<T>): Promise<T>;
  /**
   * Embedded store upkeep PostgreSQL's autovacuum does on its own: fresh planner statistics (`analyze`) and, with
   * `vacuum`, reclaimed dead rows. A no-op on PostgreSQL.
   */
  maintain(options?: { vacuum?: boolean }): Promise<void>;
  /** Cheap round trip for readiness checks. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
