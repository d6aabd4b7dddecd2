import type { Kind, KindPolicy } from '../kinds.js';
import { DEFAULT_OPENAI_MODEL, OpenAiFileSchema, openAiFromEnvironment, openAiFromFile } from './config.js';
import type { OpenAiProviderConfig } from './config.js';
import { OpenAiProvider } from './openai-provider.js';
import { PROMPTED_TASKS } from './task-prompts.js';

/** An OpenAI-compatible vendor: a bulkhead and a connection pool of its own, its key possibly in Vault. */
const policy = (config: OpenAiProviderConfig): KindPolicy => ({
  bulkhead: { maxConcurrency: config.maxConcurrency, maxQueue: config.maxQueue, tenantShare: config.tenantShare },
  origins: [{ origin: new URL(config.baseUrl).origin, maxConnections: config.maxConnections }],
  secrets: config.apiKeySecret ? [config.apiKeySecret] : [],
  servesByDefault: (task) => PROMPTED_TASKS.has(task),
});

export const openAiKind = {
  type: 'openai',
  fileSchema: OpenAiFileSchema,
  fromFile: openAiFromFile,
  fromEnvironment: openAiFromEnvironment,
  policy,
  // The default model of the provider the environment names `openai`.
  prices: { [`openai/${DEFAULT_OPENAI_MODEL}`]: { inputPerMillionMicros: 150_000, outputPerMillionMicros: 600_000 } },
  build: (name, config, deps) => new OpenAiProvider(name, config, deps.http, deps.secrets),
} satisfies Kind<OpenAiProviderConfig, typeof OpenAiFileSchema>;
