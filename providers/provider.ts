import type { TaskInput, TaskName, TaskResult } from '../src/tasks/index.js';

export interface TokenUsage {
  input_tokens: number;
  output_tokens: number;
}

/** A knowledge-base entry retrieved for a smart reply: providers answer from it and name it in `sources`. */
export interface GroundingEntry {
  id: string;
  question: string;
  answer: string;
  language: string | null;
  /** How much of the customer's message the entry matched (0..1). */
  coverage: number;
  /** More than one shared term (or a one-term message): an entry matching on one common word is not about the message. */
  distinctive?: boolean;
  /** Whether the built-in intent model reads the entry and the message as the same support intent (`KnowledgeIndex`). */
  topic?: 'same' | 'unsure' | 'other' | 'unknown';
}

export interface ProviderContext {
  tenantId: string;
  requestId: string;
  /** Smart replies: the tenant's best knowledge-base entries for the message, best first. */
  knowledge?: readonly GroundingEntry[] | undefined;
  /** Fires at the request deadline or when the client goes away; providers pass it to every I/O call. */
  signal: AbortSignal;
}

export interface ProviderOutput<T extends TaskName = TaskName> {
  result: TaskResult<T>;
  model: string;
  usage: TokenUsage;
}

/** A strategy that can answer some tasks. Adding a kind = one folder plus one line in the factory's registry. */
export interface Provider {
  readonly name: string;
  readonly kind: string;
  /** Runs in this process: no bulkhead or connection pool, priced per request, traced as internal work. */
  readonly inProcess: boolean;
  /** The GenAI operation its calls are traced as (`chat` for chat-completion vendors); the task's name when absent. */
  readonly operation?: string;
  readonly tasks: ReadonlySet<TaskName>;
  /** The model a task would be sent to (for pricing estimates); absent for providers priced per request. */
  modelFor?(task: TaskName): string;
  run<T extends TaskName>(task: T, input: TaskInput<T>, ctx: ProviderContext): Promise<ProviderOutput<T>>;
  close?(): Promise<void>;
}

/** What a provider's answers for a task are keyed, priced and traced by: its model, or its kind when it has none. */
export const modelOf = (provider: Provider, task: TaskName): string => provider.modelFor?.(task) ?? provider.kind;

export type ProviderFailure =
  | 'timeout' // the vendor took longer than its own time limit, or than the gateway's default deadline for the task
  | 'deadline' // a deadline the caller chose (options.timeout_ms) ran out first: says nothing about the vendor
  | 'aborted' // the client went away
  | 'connection' // could not reach the upstream
  | 'upstream_5xx'
  | 'rate_limited' // upstream 429
  | 'invalid_output' // the model's answer failed the task's output schema twice
  | 'bad_request' // upstream 4xx other than 429: our request or credentials are wrong
  | 'unsupported' // this provider declines this input (e.g. an unknown taxonomy)
  | 'circuit_open' // the provider's breaker is open: not called at all
  | 'overloaded'; // the provider's bulkhead is full: not called at all

const FALLS_THROUGH: ReadonlySet<ProviderFailure> = new Set([
  'timeout',
  'connection',
  'upstream_5xx',
  'rate_limited',
  'invalid_output',
  'unsupported',
  'circuit_open',
  'overloaded',
]);

/** Failures worth trying again on the same provider (a timeout already spent its share of the deadline). */
export const RETRYABLE_FAILURES: ReadonlySet<ProviderFailure> = new Set(['connection', 'upstream_5xx', 'rate_limited']);

/** Failures that say the provider is unhealthy, as circuit breakers count them (a bad request is our fault, not its). */
export const BREAKER_FAILURES: ReadonlySet<ProviderFailure> = new Set(['timeout', 'connection', 'upstream_5xx', 'rate_limited']);

export class ProviderError extends Error {
  readonly failure: ProviderFailure;
  readonly provider: string;
  readonly status: number | undefined;
  /** From the upstream's Retry-After, when it sent one. */
  readonly retryAfterMs: number | undefined;

  constructor(
    provider: string,
    failure: ProviderFailure,
    message: string,
    options: { status?: number; retryAfterMs?: number | undefined; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ProviderError';
    this.provider = provider;
    this.failure = failure;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }

  /** Whether routing should try the next provider in the chain. */
  get fallsThrough(): boolean {
    return FALLS_THROUGH.has(this.failure);
  }
}

/** Where a secret lives in the secret store (Vault KV v2: path under the mount, and the field). */
export interface SecretRef {
  path: string;
  field: string;
}

/** Current values of referenced secrets; undefined until loaded. */
export interface SecretSource {
  get(ref: SecretRef): string | undefined;
}

/**
 * A provider's configuration as the gateway holds it: opaque outside its kind's folder, which reads it from the
 * config file and the environment and builds the provider from it (`providers/kinds.ts`).
 */
export interface ProviderConfig {
  type: string;
}
