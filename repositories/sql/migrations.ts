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

/** Append only: a released migration is never edited; add a new one. Same SQL on PGlite and PostgreSQL. */
const MIGRATIONS: Record<string, Migration> = {
  '0001_core': {
    async up(db: Kysely<unknown>) {
      for (const statement of CORE) await sql.raw(statement).execute(db);
    },
  },
};

export const migrationProvider: MigrationProvider = {
  async getMigrations() {
    return MIGRATIONS;
  },
};
