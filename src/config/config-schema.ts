/**
 * The validated, frozen configuration every part of the gateway reads, as a TypeBox schema: `Config` is derived from
 * it, and loadConfig checks what it built against it. Defaults live with the sources (env-schema.ts, the file schema).
 */
import { Type, type Static, type TObject, type TSchema } from 'typebox';
import type { ProviderConfig } from '../../providers/provider.js';
import type { RecommendationServiceOptions } from '../recommendations/recommendation-service.js';
import { TASKS, type TaskName } from '../tasks/index.js';
import { LOG_LEVELS } from './env-schema.js';

const Int = Type.Integer();
const Str = Type.String();
const Maybe = <S extends TSchema>(schema: S) => Type.Union([schema, Type.Undefined()]);
const EachTask = <S extends TSchema>(schema: S) => Type.Object(Object.fromEntries(TASKS.map((t) => [t, schema]))) as TObject<Record<TaskName, S>>;

const LogLevel = Type.Enum(LOG_LEVELS);
const ModelPrice = Type.Object({ inputPerMillionMicros: Int, outputPerMillionMicros: Int });
const Plan = Type.Object({ monthlyFeeMicros: Int, includedRequests: Int, overagePerRequestMicros: Int, markupPercent: Type.Number() });
const Window = Type.Object({ perSecond: Maybe(Int), perMinute: Maybe(Int) });
const RateLimitConfig = Type.Object({ perKey: Window, perTenant: Window, fallbackInstances: Int });

export const ConfigSchema = Type.Object({
  server: Type.Object({ host: Str, port: Int, bodyLimitBytes: Int, maxHeaderBytes: Int, trustProxy: Type.Array(Str), logLevel: LogLevel }),
  storage: Type.Object({
    dataDir: Str,
    databaseUrl: Maybe(Str),
    redisUrl: Maybe(Str),
    /** Where usage rows are spooled before each answer (survives kill -9); undefined = no spool. */
    ledgerSpoolDir: Maybe(Str),
  }),
  security: Type.Object({
    adminKey: Maybe(Str),
    /** 32 bytes, base64; absent in embedded mode means "generate into DATA_DIR". */
    masterKey: Maybe(Str),
    ipRules: Type.Object({ allow: Type.Array(Str), deny: Type.Array(Str) }),
  }),
  vault: Maybe(
    Type.Object({
      addr: Str,
      token: Str,
      kvMount: Str,
      refreshMs: Int,
      transit: Maybe(Type.Object({ mount: Str, key: Str })),
    }),
  ),
  rateLimits: RateLimitConfig,
  plans: Type.Record(Str, Plan),
  cache: Type.Object({ l1MaxBytes: Int, ttlMs: EachTask(Int) }),
  recommendations: Type.Unsafe<RecommendationServiceOptions>(Type.Object({ pollMs: Int, model: Type.Object({}) })),
  retries: Type.Object({ maxAttempts: Int, baseMs: Int, maxDelayMs: Int }),
  loadShedding: Type.Object({ maxEventLoopDelayMs: Int, sampleIntervalMs: Int }),
  breakers: Type.Object({ errorThresholdPercent: Int, volumeThreshold: Int, windowMs: Int, resetMs: Int, minFailingTenants: Int }),
  webhooks: Type.Object({
    /** Loopback and private networks reachable (tests, local development); link-local never. */
    allowPrivateNetworks: Type.Boolean(),
    timeoutMs: Int,
    maxConcurrency: Int,
    endpointConcurrency: Int,
    /** Deliveries one tenant may have in flight per instance. */
    tenantConcurrency: Int,
    pollMs: Int,
    /** Finished deliveries and their events are kept this long for the log and redelivery. */
    retentionDays: Int,
  }),
  observability: Type.Object({
    /** A second listener serving only GET /metrics, without authentication (keep it on a private network). */
    metricsListener: Maybe(Type.Object({ host: Str, port: Int })),
    /** A `tenant` label on request, token and cost series (one series per tenant: only where tenants are few). */
    metricsTenantLabels: Type.Boolean(),
    /** After SIGTERM, how long to keep serving while readiness fails, before the listener closes (load balancers' time to stop sending). */
    shutdownDrainMs: Int,
    /** After the drain: how long in-flight requests get before the process exits anyway. */
    shutdownGraceMs: Int,
  }),
  providers: Type.Record(Str, Type.Unsafe<ProviderConfig>(Type.Object({ type: Str }))),
  routing: EachTask(Type.Array(Str)),
  tasks: EachTask(Type.Object({ timeoutMs: Int })),
  pricing: Type.Object({ models: Type.Record(Str, ModelPrice), localPerRequestMicros: EachTask(Int) }),
});

export type Config = Static<typeof ConfigSchema>;
export type LogLevel = Static<typeof LogLevel>;
export type ModelPrice = Static<typeof ModelPrice>;
export type Plan = Static<typeof Plan>;
export type RateLimitConfig = Static<typeof RateLimitConfig>;
