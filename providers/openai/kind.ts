import type { Kind, KindPolicy } from '../kinds.js';
import type { TaskName } from '../task-schemas.js';
import { OpenAiFileSchema, openAiFromEnvironment, openAiFromFile } from './config.js';
import type { OpenAiProviderConfig } from './config.js';
import { OpenAiProvider } from './openai-provider.js';

/** Chat-completion models answer the text tasks; recommendations need the tenant's events, which only `local` has. */
const LLM_TASKS: ReadonlySet<TaskName> = new Set(['sentiment', 'categorize', 'smart-response']);

/** An OpenAI-compatible vendor: a bulkhead and a connection pool of its own, its key possibly in Vault. */
const policy = (config: OpenAiProviderConfig): KindPolicy => ({
  bulkhead: { maxConcurrency: config.maxConcurrency, maxQueue: config.maxQueue, tenantShare: config.tenantShare },
  origins: [{ origin: new URL(config.baseUrl).origin, maxConnections: config.maxConnections }],
  secrets: config.apiKeySecret ? [config.apiKeySecret] : [],
  servesByDefault: (task) => LLM_TASKS.has(task),
});

export const openAiKind = {
  type: 'openai',
  fileSchema: OpenAiFileSchema,
  fromFile: openAiFromFile,
  fromEnvironment: openAiFromEnvironment,
  policy,
  build: (name, config, deps) => new OpenAiProvider(name, config, deps.http, deps.secrets),
} satisfies Kind<OpenAiProviderConfig, typeof OpenAiFileSchema>;
