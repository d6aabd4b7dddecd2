import { Type, type Static, type TSchema, type TUnion } from 'typebox';
import type { HttpClient } from './http.js';
import type { Recommender, TenantTaxonomies } from './local/local-provider.js';
import { localKind } from './local/kind.js';
import { openAiKind } from './openai/kind.js';
import type { Provider, ProviderConfig, SecretRef, SecretSource } from './provider.js';
import type { TaskName } from './task-schemas.js';

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
  build(name: string, config: C, deps: ProviderDeps): Provider;
}

/** The registry of provider kinds: one line each. */
const KIND_LIST = [openAiKind, localKind] as const;

type AnyKind = Kind<ProviderConfig, TSchema>;
const KINDS = new Map<string, AnyKind>(KIND_LIST.map((k) => [k.type, k as unknown as AnyKind]));
const kindOf = (type: string): AnyKind => KINDS.get(type)!;

export const PROVIDER_KINDS = [...KINDS.keys()] as ProviderConfig['type'][];

type SchemasOf<T extends readonly { fileSchema: TSchema }[]> = { -readonly [I in keyof T]: T[I]['fileSchema'] };
type FileSchemas = SchemasOf<typeof KIND_LIST>;
/** The config file's provider entry: any kind's. */
export const ProviderFileEntry: TUnion<FileSchemas> = Type.Union(KIND_LIST.map((k) => k.fileSchema) as unknown as FileSchemas);

export function kindPolicy(config: ProviderConfig): KindPolicy {
  return kindOf(config.type).policy(config);
}

export function buildProvider(name: string, config: ProviderConfig, deps: ProviderDeps): Provider {
  return kindOf(config.type).build(name, config, deps);
}

/** The providers configured: those the environment implies, then the file's (which may replace them by name). */
export function providerConfigs(fileProviders: Record<string, { type: string }>, ctx: ConfigContext): Record<string, ProviderConfig> {
  const out: Record<string, ProviderConfig> = {};
  for (const type of PROVIDER_KINDS) Object.assign(out, kindOf(type).fromEnvironment(ctx));
  for (const [name, spec] of Object.entries(fileProviders)) out[name] = kindOf(spec.type).fromFile(name, spec, ctx);
  return out;
}
