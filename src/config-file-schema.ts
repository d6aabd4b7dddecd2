import { Type, type Static } from 'typebox';
import { ProviderFileEntry } from '../providers/kinds.js';
import { perTask } from './tasks/index.js';

const ProviderName = Type.String({ pattern: '^[a-z][a-z0-9_-]{0,31}$' });
const Micros = Type.Integer({ minimum: 0 });

const IpList = Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 1000 });

const RateLimits = Type.Object(
  {
    per_second: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
    per_minute: Type.Optional(Type.Integer({ minimum: 1, maximum: 60_000_000 })),
  },
  { additionalProperties: false },
);

const ModelPrice = Type.Object(
  { input_per_million_micros: Micros, output_per_million_micros: Micros },
  { additionalProperties: false },
);

/** The optional GATEWAY_CONFIG file (YAML or JSON). Every section is optional. */
export const ConfigFileSchema = Type.Object(
  {
    providers: Type.Optional(Type.Record(ProviderName, ProviderFileEntry)),
    routing: Type.Optional(perTask(Type.Array(ProviderName, { minItems: 1, maxItems: 16 }))),
    tasks: Type.Optional(
      perTask(Type.Object({ timeout_ms: Type.Integer({ minimum: 100, maximum: 60_000 }) }, { additionalProperties: false })),
    ),
    pricing: Type.Optional(
      Type.Object(
        {
          /** Keyed `<provider>/<model>`, e.g. `openai/gpt-4o-mini`. */
          models: Type.Optional(Type.Record(Type.String({ minLength: 3 }), ModelPrice)),
          local_per_request_micros: Type.Optional(perTask(Micros)),
        },
        { additionalProperties: false },
      ),
    ),
    limits: Type.Optional(
      Type.Object(
        {
          body_limit_bytes: Type.Optional(Type.Integer({ minimum: 1024, maximum: 10 * 1024 * 1024 })),
          max_header_bytes: Type.Optional(Type.Integer({ minimum: 4096, maximum: 65_536 })),
        },
        { additionalProperties: false },
      ),
    ),
    /** Load shedding: 503 OVERLOADED while the event loop lags more than this (0 = off). */
    load_shedding: Type.Optional(
      Type.Object(
        {
          max_event_loop_delay_ms: Type.Optional(Type.Integer({ minimum: 0, maximum: 60_000 })),
          /** Several event-loop samples (10 ms apart) must fit in one interval, or the lag reads as unknown. */
          sample_interval_ms: Type.Optional(Type.Integer({ minimum: 50, maximum: 10_000 })),
        },
        { additionalProperties: false },
      ),
    ),
    /** Retries on the same provider before falling through: 5xx, connection errors and 429 only. */
    retries: Type.Optional(
      Type.Object(
        {
          max_attempts: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 })),
          base_ms: Type.Optional(Type.Integer({ minimum: 1, maximum: 60_000 })),
          max_delay_ms: Type.Optional(Type.Integer({ minimum: 1, maximum: 60_000 })),
        },
        { additionalProperties: false },
      ),
    ),
    /** Webhook delivery (the retry schedule is the contract's and not configurable). */
    webhooks: Type.Optional(
      Type.Object(
        {
          timeout_ms: Type.Optional(Type.Integer({ minimum: 100, maximum: 60_000 })),
          max_concurrency: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000 })),
          endpoint_concurrency: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
          /** Deliveries one tenant may have in flight per instance (default: a quarter of max_concurrency). */
          tenant_concurrency: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
          poll_ms: Type.Optional(Type.Integer({ minimum: 50, maximum: 60_000 })),
          retention_days: Type.Optional(Type.Integer({ minimum: 1, maximum: 3_650 })),
        },
        { additionalProperties: false },
      ),
    ),
    /** Circuit breakers per provider and model. */
    breakers: Type.Optional(
      Type.Object(
        {
          error_threshold_percent: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
          volume_threshold: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
          window_seconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 3_600 })),
          reset_seconds: Type.Optional(Type.Number({ minimum: 0.1, maximum: 3_600 })),
          /** Failures must come from this many tenants (or every tenant that called) before a shared breaker opens. */
          min_failing_tenants: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000 })),
        },
        { additionalProperties: false },
      ),
    ),
    cache: Type.Optional(
      Type.Object(
        {
          l1_max_bytes: Type.Optional(Type.Integer({ minimum: 0, maximum: 8 * 1024 * 1024 * 1024 })),
          /** Per task; 0 turns caching off for that task. */
          ttl_seconds: Type.Optional(perTask(Type.Integer({ minimum: 0, maximum: 30 * 86_400 }))),
        },
        { additionalProperties: false },
      ),
    ),
    /** The local recommender (all optional; the defaults are in the README). */
    recommendations: Type.Optional(
      Type.Object(
        {
          neighbours: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
          history_cap: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
          history_seeds: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000 })),
          interest_half_life_hours: Type.Optional(Type.Number({ minimum: 0.01, maximum: 87_600 })),
          popularity_half_life_hours: Type.Optional(Type.Number({ minimum: 0.01, maximum: 87_600 })),
          poll_ms: Type.Optional(Type.Integer({ minimum: 100, maximum: 600_000 })),
          rebuild_delay_ms: Type.Optional(Type.Integer({ minimum: 0, maximum: 600_000 })),
          max_events: Type.Optional(Type.Integer({ minimum: 1, maximum: 20_000_000 })),
          max_users: Type.Optional(Type.Integer({ minimum: 1, maximum: 5_000_000 })),
          max_items: Type.Optional(Type.Integer({ minimum: 1, maximum: 2_000_000 })),
          max_items_per_user: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
          memory_budget_mb: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
          idle_unload_minutes: Type.Optional(Type.Number({ minimum: 0.01, maximum: 525_600 })),
          events_per_minute: Type.Optional(Type.Integer({ minimum: 1000, maximum: 100_000_000 })),
        },
        { additionalProperties: false },
      ),
    ),
    /** Billing plans tenants can be put on (PATCH /admin/tenants/{id} `plan`). */
    plans: Type.Optional(
      Type.Record(
        Type.String({ pattern: '^[a-z][a-z0-9_-]{0,31}$' }),
        Type.Object(
          {
            monthly_fee_micros: Micros,
            included_requests: Type.Optional(Micros),
            overage_per_request_micros: Type.Optional(Micros),
            markup_percent: Type.Optional(Type.Number({ minimum: 0, maximum: 1000 })),
          },
          { additionalProperties: false },
        ),
      ),
    ),
    rate_limits: Type.Optional(
      Type.Object(
        {
          per_key: Type.Optional(RateLimits),
          per_tenant: Type.Optional(RateLimits),
          /** With Redis unreachable, each instance admits limit ÷ this many locally. */
          fallback_instances: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
        },
        { additionalProperties: false },
      ),
    ),
    /** Gateway-wide rules, checked before any tenant or key rule. */
    ip_rules: Type.Optional(
      Type.Object({ allow: Type.Optional(IpList), deny: Type.Optional(IpList) }, { additionalProperties: false }),
    ),
    vault: Type.Optional(
      Type.Object(
        {
          kv_mount: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' })),
          refresh_seconds: Type.Optional(Type.Integer({ minimum: 5, maximum: 86_400 })),
          /** Encrypt signing secrets with Vault Transit instead of GATEWAY_MASTER_KEY. */
          transit_key: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' })),
          transit_mount: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export type ConfigFile = Static<typeof ConfigFileSchema>;
