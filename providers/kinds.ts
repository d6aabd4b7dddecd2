import { Type, type Static, type TSchema } from 'typebox';
import { Value } from 'typebox/value';
import type { HttpClient } from './http.js';
import type { Recommender, TenantTaxonomies } from './local/local-provider.js';
import { localKind } from './local/kind.js';
import { openAiKind } from './openai/kind.js';
import type { Provider, ProviderConfig, SecretRef, SecretSource } from './provider.js';
import type { TaskName } from '../src/tasks/index.js';

/** What the gateway around a provider needs to know of its kind: nothing outside `providers/` checks a kind's name. */
export interface KindPolicy {
  /** Calls in flight at once and queued, and one tenant's share of both; absent for in-process kinds. */
  bulkhead?: { maxConcurrency: number; maxQueue: number; tenantShare: number };
  /** Origins it calls, each with its connection pool size. */
  origins: { origin: string; maxConnections: number }[];
  /** Secrets it reads from the secret store. */
  secrets: SecretRef[];
  /** Tasks it is routed to when routing is not configured. */
  servesByDefault(task: TaskName): boolean;
}

/** What reading configuration offers a kind: the environment, a URL check, and where to report problems. */
export interface ConfigContext {
  env: Readonly<Record<string, string | undefined>>;
  /** The variable's value if it is an http(s) URL; otherwise a problem is reported and undefined returned. */
  url(variable: string): string | undefined;
  problems: string[];
}

export interface ProviderDeps {
  http: HttpClient;
  recommender: Recommender;
  /** Tenant-trained taxonomies for the local provider; without them it declines custom taxonomies. */
  taxonomies?: TenantTaxonomies | undefined;
  secrets?: SecretSource | undefined;
}

/** A provider kind: its folder exports one of these, and the registry below lists it. */
export interface Kind<C extends { type: string }, F extends TSchema> {
  type: C['type'];
  /** Its entry in the GATEWAY_CONFIG file, `type` literal included. */
  fileSchema: F;
  fromFile(name: string, spec: Static<F>, ctx: ConfigContext): C;
  /** Providers of this kind that exist without a file (named by the kind's convention). */
  fromEnvironment(ctx: ConfigContext): Record<string, C>;
  policy(config: C): KindPolicy;
  /** Prices it knows (keyed `<provider>/<model>`, micros per million tokens); the config file's are added to them. */
  prices?: Record<string, { inputPerMillionMicros: number; outputPerMillionMicros: number }>;
  build(name: string, config: C, deps: ProviderDeps): Provider;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a registry holds kinds of every config type
type AnyKind = Kind<any, TSchema>;

/** The registry of provider kinds: one line each. */
const KINDS = new Map<string, AnyKind>([openAiKind, localKind].map((k) => [k.type, k]));

/**
 * Adds a kind from outside this repository (a plugin, a test's stand-in): call before the configuration is read. Its
 * name must be new; the built-in kinds cannot be replaced.
 */
export function registerKind(kind: AnyKind): void {
  if (KINDS.has(kind.type)) throw new Error(`provider kind "${kind.type}" is already registered`);
  KINDS.set(kind.type, kind);
}

/** The kinds known now, in registration order. */
export const providerKinds = (): string[] => [...KINDS.keys()];

const kindOf = (type: string): AnyKind => {
  const kind = KINDS.get(type);
  if (!kind) throw new Error(`unknown provider kind "${type}"`);
  return kind;
};

/** The config file's provider entry before its kind reads it: a known `type`, the rest checked by that kind. */
export const ProviderFileEntry = Type.Unsafe<{ type: string; [field: string]: unknown }>(
  Type.Object({ type: Type.String({ minLength: 1, maxLength: 32 }) }, { additionalProperties: true }),
);

export function kindPolicy(config: ProviderConfig): KindPolicy {
  return kindOf(config.type).policy(config);
}

/** Connection pool size per origin the configured providers call. */
export function connectionPools(configs: readonly ProviderConfig[]): Map<string, number> {
  return new Map(configs.flatMap((c) => kindPolicy(c).origins.map((o) => [o.origin, o.maxConnections] as const)));
}

/** Every kind's own prices, in registration order. */
export function defaultPrices(): Record<string, { inputPerMillionMicros: number; outputPerMillionMicros: number }> {
  return Object.assign({}, ...[...KINDS.values()].map((k) => k.prices ?? {}));
}

export function buildProvider(name: string, config: ProviderConfig, deps: ProviderDeps): Provider {
  return kindOf(config.type).build(name, config, deps);
}

/** The providers configured: those the environment implies, then the file's (which may replace them by name). */
export function providerConfigs(fileProviders: Record<string, { type: string }>, ctx: ConfigContext): Record<string, ProviderConfig> {
  const out: Record<string, ProviderConfig> = {};
  for (const kind of KINDS.values()) Object.assign(out, kind.fromEnvironment(ctx));
  for (const [name, spec] of Object.entries(fileProviders)) {
    const kind = KINDS.get(spec.type);
    if (!kind) {
      ctx.problems.push(`config file.providers.${name}.type: must be one of ${providerKinds().join(', ')}`);
      continue;
    }
    if (!Value.Check(kind.fileSchema, spec)) {
      for (const e of Value.Errors(kind.fileSchema, spec)) ctx.problems.push(`config file.providers.${name}${e.instancePath.replaceAll('/', '.')}: ${e.message}`);
      continue;
    }
    out[name] = kind.fromFile(name, spec, ctx);
  }
  return out;
}
