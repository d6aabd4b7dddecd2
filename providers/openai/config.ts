import { Type, type Static } from 'typebox';
import type { ConfigContext } from '../kinds.js';
import type { SecretRef } from '../provider.js';
import type { TaskName } from '../../src/tasks/index.js';
import { perTask } from '../../src/tasks/index.js';

export const DEFAULT_OPENAI_MODEL = 'gpt-4o-mini';

export interface OpenAiProviderConfig {
  type: 'openai';
  baseUrl: string;
  /** From the environment; ignored when apiKeySecret is set. */
  apiKey: string;
  apiKeySecret?: SecretRef | undefined;
  defaultModel: string;
  models: Partial<Record<TaskName, string>>;
  timeoutMs: number;
  maxConnections: number;
  /** Bulkhead: calls in flight at once, and how many more may wait for a slot. */
  maxConcurrency: number;
  maxQueue: number;
  /** Share of the slots and of the queue one tenant may hold at once. */
  tenantShare: number;
}


/** A provider entry of `type: openai` in the GATEWAY_CONFIG file. */
export const OpenAiFileSchema = Type.Object(
  {
    type: Type.Literal('openai'),
    base_url: Type.Optional(Type.String({ minLength: 1 })),
    /** Name of the environment variable holding the API key (read by loadConfig, never stored in the file). */
    api_key_env: Type.Optional(Type.String({ pattern: '^[A-Z_][A-Z0-9_]*$' })),
    default_model: Type.Optional(Type.String({ minLength: 1 })),
    models: Type.Optional(perTask(Type.String({ minLength: 1 }))),
    timeout_ms: Type.Optional(Type.Integer({ minimum: 100, maximum: 120_000 })),
    max_connections: Type.Optional(Type.Integer({ minimum: 1, maximum: 1024 })),
    /** Calls in flight at once (default: max_connections) and how many more may queue (default: 4 × that). */
    max_concurrency: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
    max_queue: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
    /** Share of those slots (and of the queue) one tenant may hold at once, so one tenant cannot exhaust them. */
    tenant_share: Type.Optional(Type.Number({ minimum: 0.01, maximum: 1 })),
    /** `path#field` of the API key in Vault KV v2 (under vault.kv_mount); needs VAULT_ADDR and VAULT_TOKEN. */
    api_key_vault: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_./-]{1,200}#[A-Za-z0-9_.-]{1,100}$' })),
  },
  { additionalProperties: false },
);

type OpenAiFileEntry = Static<typeof OpenAiFileSchema>;

/**
 * An entry of the file, with its defaults; the provider named `openai` also takes OPENAI_BASE_URL and OPENAI_API_KEY
 * from the environment.
 */
export function openAiFromFile(name: string, spec: Partial<OpenAiFileEntry>, ctx: ConfigContext): OpenAiProviderConfig {
  const isDefault = name === 'openai';
  const baseUrl = spec.base_url ?? (isDefault ? ctx.url('OPENAI_BASE_URL') : undefined) ?? 'https://api.openai.com/v1';
  const keyVar = spec.api_key_env ?? (isDefault ? 'OPENAI_API_KEY' : undefined);
  const apiKey = keyVar ? ctx.env[keyVar] : undefined;
  const [path, field] = spec.api_key_vault?.split('#') ?? [];
  const apiKeySecret = path && field ? { path, field } : undefined;
  if (!apiKey && !apiKeySecret && baseUrl.startsWith('https://api.openai.com')) {
    ctx.problems.push(`providers.${name}: no API key (set ${keyVar ?? 'api_key_env'})`);
  }
  return {
    type: 'openai',
    baseUrl,
    // Self-hosted servers (Ollama, vLLM) accept any key; the SDK insists on one.
    apiKey: apiKey ?? 'unused',
    apiKeySecret,
    defaultModel: spec.default_model ?? DEFAULT_OPENAI_MODEL,
    models: spec.models ?? {},
    timeoutMs: spec.timeout_ms ?? 10_000,
    maxConnections: spec.max_connections ?? 64,
    maxConcurrency: spec.max_concurrency ?? spec.max_connections ?? 64,
    maxQueue: spec.max_queue ?? 4 * (spec.max_concurrency ?? spec.max_connections ?? 64),
    tenantShare: spec.tenant_share ?? 0.5,
  };
}

/** With OPENAI_API_KEY or OPENAI_BASE_URL set, a provider named `openai` exists without any file. */
export function openAiFromEnvironment(ctx: ConfigContext): Record<string, OpenAiProviderConfig> {
  return ctx.url('OPENAI_BASE_URL') || ctx.env.OPENAI_API_KEY ? { openai: openAiFromFile('openai', {}, ctx) } : {};
}
