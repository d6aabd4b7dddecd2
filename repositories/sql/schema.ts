import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string, string>;

export interface TenantsTable {
  id: string;
  name: string;
  status: 'active' | 'suspended';
  allowed_providers: Json<string[] | null> | null;
  metadata: Json<Record<string, string>>;
  ip_rules: ColumnType<{ allow: string[]; deny: string[] }, string | undefined, string>;
  quota: ColumnType<Record<string, number>, string | undefined, string>;
  plan: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Timestamp;
}

export interface ApiKeysTable {
  id: string;
  kind: 'tenant' | 'admin';
  tenant_id: string | null;
  name: string;
  mode: 'bearer' | 'signed';
  scopes: Json<string[]>;
  role: 'owner' | 'operator' | 'billing' | 'auditor' | null;
  key_hash: string;
  start: string;
  created_at: Timestamp;
  expires_at: Timestamp | null;
  revoked_at: Timestamp | null;
  last_used_at: Timestamp | null;
  secret_ciphertext: string | null;
  ip_allow: Json<string[]>;
  replaced_by: string | null;
}

export interface AuditLogTable {
  seq: ColumnType<string | number, number, never>;
  id: string;
  at: Timestamp;
  actor_key_id: string | null;
  actor_role: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  tenant_id: string | null;
  request_id: string | null;
  ip: string | null;
  outcome: string;
  status: number | null;
  diff: Json<Record<string, unknown> | null> | null;
  prev_hash: string;
  hash: string;
}

export interface InteractionsTable {
  tenant_id: string;
  event_id: string;
  type: string;
  user_id: string;
  item_id: string;
  value: number | null;
  occurred_at: Timestamp;
  seq: Generated<string>;
}

export interface KnowledgeEntriesTable {
  tenant_id: string;
  id: string;
  question: string;
  answer: string;
  tags: Json<string[]>;
  language: string | null;
  created_at: ColumnType<Date, never, never>;
  updated_at: Timestamp;
}

export interface ItemsTable {
  tenant_id: string;
  item_id: string;
  title: string | null;
  category: string | null;
  attributes: Json<Record<string, unknown>>;
  updated_at: Timestamp;
}

export interface FeedbackTable {
  id: Generated<number>;
  tenant_id: string;
  request_id: string;
  correct: string | null;
  rating: number | null;
  created_at: Timestamp;
}

export interface UsageLedgerTable {
  event_id: string;
  tenant_id: string;
  key_id: string | null;
  request_id: string;
  task: string;
  provider: string | null;
  model: string | null;
  status: number;
  input_tokens: number;
  output_tokens: number;
  latency_ms: number;
  unit_price: Json<Record<string, number>>;
  cost_micros: ColumnType<string | number, number, never>;
  pricing_version: string;
  occurred_at: Timestamp;
}

export interface InvoicesTable {
  tenant_id: string;
  month: string;
  status: string;
  currency: string;
  lines: Json<unknown[]>;
  total_micros: ColumnType<string | number, number, never>;
  finalized_at: Timestamp;
}

export interface TaxonomyExamplesTable {
  id: ColumnType<string, never, never>;
  tenant_id: string;
  taxonomy: string;
  text: string;
  label: string;
  source: string;
  created_at: ColumnType<Date, never, never>;
}

export interface TaxonomyModelsTable {
  tenant_id: string;
  taxonomy: string;
  version: number;
  last_example_id: ColumnType<string, string | number, string | number>;
  examples: number;
  labels: Json<string[]>;
  trained_at: Timestamp;
}

export interface TaskInputsTable {
  tenant_id: string;
  request_id: string;
  taxonomy: string;
  text: string;
  created_at: ColumnType<Date, never, never>;
}

export interface WebhookEndpointsTable {
  id: string;
  tenant_id: string;
  url: string;
  description: string | null;
  events: Json<string[]>;
  enabled: boolean;
  disabled_reason: string | null;
  secrets: Json<{ ciphertext: string; expires_at: string | null }[]>;
  failing_since: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface OutboxEventsTable {
  seq: ColumnType<string, never, never>;
  id: string;
  tenant_id: string | null;
  type: string;
  body: string;
  created_at: Timestamp;
  fanned_out_at: Timestamp | null;
}

export interface WebhookDeliveriesTable {
  id: string;
  event_id: string;
  endpoint_id: string;
  tenant_id: string;
  event_type: string;
  status: 'pending' | 'succeeded' | 'dead';
  attempts: number;
  next_attempt_at: Timestamp;
  lease: string | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  finished_at: Timestamp | null;
}

export interface WebhookAttemptsTable {
  id: ColumnType<string, never, never>;
  delivery_id: string;
  attempt: number;
  at: Timestamp;
  status_code: number | null;
  error: string | null;
  latency_ms: number;
  response_snippet: string | null;
}

export interface Database {
  tenants: TenantsTable;
  api_keys: ApiKeysTable;
  interactions: InteractionsTable;
  items: ItemsTable;
  knowledge_entries: KnowledgeEntriesTable;
  feedback: FeedbackTable;
  audit_log: AuditLogTable;
  usage_ledger: UsageLedgerTable;
  invoices: InvoicesTable;
  taxonomy_examples: TaxonomyExamplesTable;
  taxonomy_models: TaxonomyModelsTable;
  task_inputs: TaskInputsTable;
  webhook_endpoints: WebhookEndpointsTable;
  outbox_events: OutboxEventsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
}
