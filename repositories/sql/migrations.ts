import { sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';

/** One statement per entry: PGlite's extended protocol runs a single statement per query. */
const CORE = [
  `create table tenants (
    id text primary key,
    name text not null,
    status text not null default 'active',
    allowed_providers jsonb,
    metadata jsonb not null default '{}'::jsonb,
    created_at timestamptz not null default now()
  )`,
  `create table api_keys (
    id text primary key,
    kind text not null check (kind in ('tenant', 'admin')),
    tenant_id text references tenants(id),
    name text not null,
    mode text not null default 'bearer',
    scopes jsonb not null default '[]'::jsonb,
    role text,
    key_hash text not null unique,
    start text not null,
    created_at timestamptz not null default now(),
    expires_at timestamptz,
    revoked_at timestamptz,
    last_used_at timestamptz
  )`,
  `create index api_keys_tenant on api_keys (tenant_id, id)`,
  `create table interactions (
    tenant_id text not null references tenants(id),
    event_id text not null,
    type text not null,
    user_id text not null,
    item_id text not null,
    value double precision,
    weight double precision not null,
    occurred_at timestamptz not null,
    primary key (tenant_id, event_id)
  )`,
  `create index interactions_user on interactions (tenant_id, user_id, occurred_at desc)`,
  `create index interactions_item on interactions (tenant_id, item_id)`,
  `create table items (
    tenant_id text not null references tenants(id),
    item_id text not null,
    title text,
    category text,
    attributes jsonb not null default '{}'::jsonb,
    updated_at timestamptz not null default now(),
    primary key (tenant_id, item_id)
  )`,
  `create table feedback (
    id bigserial primary key,
    tenant_id text not null references tenants(id),
    request_id text not null,
    correct text,
    rating integer,
    created_at timestamptz not null default now()
  )`,
  `create index feedback_request on feedback (tenant_id, request_id)`,
];

/** B2B security: signed keys, IP rules, rotation, the hash-chained audit log. */
const SECURITY = [
  `alter table api_keys add column secret_ciphertext text`,
  `alter table api_keys add column ip_allow jsonb not null default '[]'::jsonb`,
  `alter table api_keys add column replaced_by text`,
  `alter table tenants add column ip_rules jsonb not null default '{"allow":[],"deny":[]}'::jsonb`,
  `create table audit_log (
    seq bigint primary key,
    id text not null unique,
    at timestamptz not null,
    actor_key_id text,
    actor_role text,
    action text not null,
    target_type text,
    target_id text,
    tenant_id text,
    request_id text,
    ip text,
    outcome text not null,
    status integer,
    diff jsonb,
    prev_hash text not null,
    hash text not null
  )`,
  `create index audit_log_tenant on audit_log (tenant_id, seq)`,
  `create index audit_log_target on audit_log (target_id, seq)`,
  // Append only: the application never updates or deletes, and the database refuses to.
  `create function audit_log_append_only() returns trigger language plpgsql as $$
    begin raise exception 'audit_log is append-only'; end $$`,
  `create trigger audit_log_no_change before update or delete on audit_log
    for each row execute function audit_log_append_only()`,
];

/** Usage metering: one row per finished task request, idempotent on the event id. */
const USAGE = [
  `create table usage_ledger (
    event_id text primary key,
    tenant_id text not null,
    key_id text,
    request_id text not null,
    task text not null,
    provider text,
    model text,
    status integer not null,
    input_tokens integer not null default 0,
    output_tokens integer not null default 0,
    latency_ms double precision not null,
    unit_price jsonb not null,
    cost_micros bigint not null,
    pricing_version text not null,
    occurred_at timestamptz not null
  )`,
  `create index usage_ledger_tenant_time on usage_ledger (tenant_id, occurred_at)`,
  `create index usage_ledger_time on usage_ledger (occurred_at, event_id)`,
];

/** Tenant quotas: limits per period, set through PUT /admin/tenants/{id}/quota. */
const QUOTAS = [`alter table tenants add column quota jsonb not null default '{}'::jsonb`];

/** Billing: a tenant's plan, and invoices frozen once their month has closed. */
const BILLING = [
  `alter table tenants add column plan text`,
  `create table invoices (
    tenant_id text not null,
    month text not null,
    status text not null,
    currency text not null,
    lines jsonb not null,
    total_micros bigint not null,
    finalized_at timestamptz not null,
    primary key (tenant_id, month)
  )`,
];

/**
 * Tenant taxonomies: labelled examples (posted, or corrections from feedback), the trained version of each taxonomy,
 * and the text of recent categorisation requests so feedback on one can become an example.
 */
const TAXONOMIES = [
  `create table taxonomy_examples (
    id bigserial primary key,
    tenant_id text not null,
    taxonomy text not null,
    text text not null,
    label text not null,
    source text not null,
    created_at timestamptz not null default now()
  )`,
  `create index taxonomy_examples_by_taxonomy on taxonomy_examples (tenant_id, taxonomy, id)`,
  `create table taxonomy_models (
    tenant_id text not null,
    taxonomy text not null,
    version integer not null,
    last_example_id bigint not null,
    examples integer not null,
    labels jsonb not null,
    trained_at timestamptz not null,
    primary key (tenant_id, taxonomy)
  )`,
  `create table task_inputs (
    tenant_id text not null,
    request_id text not null,
    taxonomy text not null,
    text text not null,
    created_at timestamptz not null default now(),
    primary key (tenant_id, request_id)
  )`,
  `create index task_inputs_by_time on task_inputs (created_at)`,
];

/** Recommender models follow new events by sequence; tenants' knowledge bases ground smart replies. */
const RECOMMENDER_AND_KNOWLEDGE = [
  `alter table interactions add column seq bigserial`,
  `create index interactions_by_seq on interactions (tenant_id, seq)`,
  // Recommendations are computed in memory now; these served the SQL queries they replaced and only slow ingest.
  `drop index interactions_user`,
  `drop index interactions_item`,
  // The in-memory recommender weighs events itself from type and value.
  `alter table interactions drop column weight`,
  `create index items_by_update on items (tenant_id, updated_at)`,
  `create table knowledge_entries (
    tenant_id text not null references tenants(id),
    id text not null,
    question text not null,
    answer text not null,
    tags jsonb not null default '[]'::jsonb,
    language text,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    primary key (tenant_id, id)
  )`,
];

/**
 * Webhooks: endpoints per tenant; the outbox of domain events (written with the change they describe); one delivery per
 * event and endpoint, claimed with a lease; every attempt logged.
 */
const WEBHOOKS = [
  `create table webhook_endpoints (
    id text primary key,
    tenant_id text not null references tenants(id),
    url text not null,
    description text,
    events jsonb not null,
    enabled boolean not null default true,
    disabled_reason text,
    secrets jsonb not null,
    failing_since timestamptz,
    created_at timestamptz not null,
    updated_at timestamptz not null
  )`,
  `create index webhook_endpoints_by_tenant on webhook_endpoints (tenant_id, id)`,
  `create table outbox_events (
    seq bigserial primary key,
    id text not null unique,
    tenant_id text,
    type text not null,
    body text not null,
    created_at timestamptz not null,
    fanned_out_at timestamptz
  )`,
  `create index outbox_events_pending on outbox_events (seq) where fanned_out_at is null`,
  `create index outbox_events_by_time on outbox_events (created_at)`,
  `create table webhook_deliveries (
    id text primary key,
    event_id text not null references outbox_events(id) on delete cascade,
    endpoint_id text not null references webhook_endpoints(id) on delete cascade,
    tenant_id text not null,
    event_type text not null,
    status text not null,
    attempts integer not null default 0,
    next_attempt_at timestamptz not null,
    lease text,
    last_status_code integer,
    last_error text,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    finished_at timestamptz
  )`,
  `create index webhook_deliveries_due on webhook_deliveries (next_attempt_at) where status = 'pending'`,
  `create index webhook_deliveries_by_tenant on webhook_deliveries (tenant_id, id)`,
  `create index webhook_deliveries_by_endpoint on webhook_deliveries (endpoint_id, id)`,
  `create index webhook_deliveries_dead on webhook_deliveries (finished_at) where status = 'dead'`,
  `create table webhook_attempts (
    id bigserial primary key,
    delivery_id text not null references webhook_deliveries(id) on delete cascade,
    attempt integer not null,
    at timestamptz not null,
    status_code integer,
    error text,
    latency_ms integer not null,
    response_snippet text
  )`,
  `create index webhook_attempts_by_delivery on webhook_attempts (delivery_id, id)`,
];

/** Each tenant's due deliveries in order: the dispatcher takes every tenant's oldest, so one backlog cannot starve others. */
const FAIR_WEBHOOKS = [`create index webhook_deliveries_due_by_tenant on webhook_deliveries (tenant_id, next_attempt_at) where status = 'pending'`];

/**
 * /v1/feedback gets a scope of its own: keys that could categorise keep sending feedback on their categorisations;
 * a key limited to other tasks no longer may.
 */
const FEEDBACK_SCOPE = [
  `update api_keys set scopes = scopes || '["feedback"]'::jsonb where kind = 'tenant' and scopes ? 'categorize' and not scopes ? 'feedback'`,
];

/** A migration that runs its statements in order. */
function statements(list: string[]): Migration {
  return {
    async up(db: Kysely<unknown>) {
      for (const statement of list) await sql.raw(statement).execute(db);
    },
  };
}

/** Append only: a released migration is never edited; add a new one. Same SQL on PGlite and PostgreSQL. */
const MIGRATIONS: Record<string, Migration> = {
  '0001_core': statements(CORE),
  '0002_security': statements(SECURITY),
  '0003_usage': statements(USAGE),
  '0004_quotas': statements(QUOTAS),
  '0005_billing': statements(BILLING),
  '0006_taxonomies': statements(TAXONOMIES),
  '0007_recommender_and_knowledge': statements(RECOMMENDER_AND_KNOWLEDGE),
  '0008_webhooks': statements(WEBHOOKS),
  '0009_fair_webhooks': statements(FAIR_WEBHOOKS),
  '0010_feedback_scope': statements(FEEDBACK_SCOPE),
};

export const migrationProvider: MigrationProvider = {
  async getMigrations() {
    return MIGRATIONS;
  },
};
