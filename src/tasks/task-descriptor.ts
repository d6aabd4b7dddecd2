import type { Static, TObject } from 'typebox';
import type { GatewayError } from '../errors.js';

/** What a task's hooks may use of the gateway, kept narrow so a descriptor stays a plain description. */
export interface TaskServices {
  taxonomies: { rememberInput(tenantId: string, requestId: string, taxonomy: string, text: string): void };
}

/**
 * Everything that makes a task, in one place: the route, the key scope (the task's name), the API schemas, the
 * defaults the config starts from, and the hooks the pipeline calls. Lists of tasks anywhere are derived from these.
 */
export interface TaskDescriptor<N extends string = string, I extends TObject = TObject, R extends TObject = TObject> {
  readonly name: N;
  readonly summary: string;
  readonly input: I;
  readonly result: R;
  /** Deadline for the whole request unless the config (`tasks.<task>.timeout_ms`) or the caller says otherwise. */
  readonly timeoutMs: number;
  /** How long answers are cached unless configured (`cache.ttl_seconds`); 0 = not cached. */
  readonly cacheTtlSeconds: number;
  /** The most the task answers with, in tokens: the output share of a quota reservation. */
  readonly outputTokenCap: number;
  /** The tenant's knowledge base is searched once before the provider chain, and every provider gets the entries. */
  readonly grounded?: boolean;
  /** Rejects what the schema cannot say (throws VALIDATION_FAILED). */
  check?(input: Static<I>): void;
  /** What the gateway adds to every provider's answer, whoever gave it. */
  complete?(result: Static<R>): Static<R>;
  /** The error when every provider declined the input itself (the caller's mistake, not an outage). */
  declined?(input: Static<I>): GatewayError | undefined;
  /** After a successful answer, off the response path. */
  answered?(services: TaskServices, call: { tenantId: string; requestId: string; input: Static<I> }): void;
}

/** Keeps the literal name and the schemas' types, so the registry can derive `TaskName` and `TaskInput<T>`. */
export function defineTask<N extends string, I extends TObject, R extends TObject>(d: TaskDescriptor<N, I, R>): TaskDescriptor<N, I, R> {
  return Object.freeze(d);
}
