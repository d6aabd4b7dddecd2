import { Compile } from 'typebox/compile';
import { NO_OBSERVER, type GatewayObserver } from './observability/observer.js';
import { kindPolicy } from '../providers/kinds.js';
import { ProviderError, RETRYABLE_FAILURES, modelOf, type GroundingEntry, type Provider, type ProviderOutput } from '../providers/provider.js';
import { TASKS, taskDescriptor, type TaskInput, type TaskName } from './tasks/index.js';
import type { Tenant } from '../repositories/types.js';
import { costMicros, unitPrice } from './billing/pricing.js';
import type { Config } from './config.js';
import type { TaskOptions } from './tasks/task-envelope.js';
import { GatewayError } from './errors.js';
import { CircuitOpenError, type ProviderBreakers } from './resilience/provider-breakers.js';
import { Bulkhead } from './resilience/bulkhead.js';
import { inAttemptSpan } from './observability/attempt-span.js';
import { backoffMs, sleep } from './resilience/retry.js';

export interface Attempt {
  provider: string;
  outcome: 'ok' | ProviderError['failure'];
  ms: number;
}

export interface DispatchResult<T extends TaskName = TaskName> extends ProviderOutput<T> {
  provider: string;
  cost_micros: number;
  unit_price: Record<string, number>;
  attempts: Attempt[];
}

export interface DispatchRequest<T extends TaskName> {
  task: T;
  input: TaskInput<T>;
  tenant: Tenant;
  requestId: string;
  options: TaskOptions;
  /** The providers to walk, in order: computed once by the caller, which keyed its cache on the same chain. */
  chain: Provider[];
  /** Calls `gone` if the client goes away before the answer; returns what stops watching. */
  watchClient: ClientWatch;
}

export type ClientWatch = (gone: () => void) => () => void;

/** For work no client waits on (cache warming): only the deadline can stop it. */
export const NO_CLIENT: ClientWatch = () => () => {};

/** Finds what the tenant's knowledge base says about a customer's message. */
export interface Grounding {
  ground(tenantId: string, input: TaskInput): Promise<GroundingEntry[]>;
}

const resultCheckers = Object.fromEntries(TASKS.map((t) => [t, Compile(taskDescriptor(t).result)])) as {
  [T in TaskName]: ReturnType<typeof Compile>;
};

/**
 * Runs a task through the provider chain: the configured order (or the caller's, within what the tenant may use),
 * falling through on retryable failures, under one deadline for the whole request.
 */
export class TaskDispatcher {
  private readonly bulkheads = new Map<string, Bulkhead>();

  constructor(
    private readonly config: Config,
    private readonly providers: ReadonlyMap<string, Provider>,
    private readonly breakers: ProviderBreakers,
    private readonly grounding?: Grounding,
    private readonly observer: GatewayObserver = NO_OBSERVER,
  ) {
    for (const [name, p] of Object.entries(config.providers)) {
      const bulkhead = kindPolicy(p).bulkhead;
      if (bulkhead) this.bulkheads.set(name, new Bulkhead(name, bulkhead.maxConcurrency, bulkhead.maxQueue, bulkhead.tenantShare));
    }
  }

  /** Requests in flight and queued, per provider with a bulkhead. */
  load(): Record<string, { in_flight: number; queued: number }> {
    return Object.fromEntries([...this.bulkheads].map(([name, b]) => [name, { in_flight: b.inFlight, queued: b.queued }]));
  }

  chainFor(task: TaskName, tenant: Tenant, requested?: string[]): Provider[] {
    const allowed = (name: string) => tenant.allowed_providers === null || tenant.allowed_providers.includes(name);
    if (requested) {
      for (const name of requested) {
        const provider = this.providers.get(name);
        if (!provider || !allowed(name)) {
          throw new GatewayError('UNSUPPORTED_OPTION', `Provider "${name}" is not available to this tenant.`, {
            details: { option: 'providers', provider: name },
          });
        }
        if (!provider.tasks.has(task)) {
          throw new GatewayError('UNSUPPORTED_OPTION', `Provider "${name}" does not handle ${task}.`, {
            details: { option: 'providers', provider: name },
          });
        }
      }
    }
    const names = requested ?? this.config.routing[task].filter(allowed);
    return names.map((n) => this.providers.get(n)!).filter((p) => p.tasks.has(task));
  }

  async run<T extends TaskName>(request: DispatchRequest<T>): Promise<DispatchResult<T>> {
    const deadlineMs = request.options.timeout_ms ?? this.config.tasks[request.task].timeoutMs;
    // One controller and one timer per request: AbortSignal.any and AbortSignal.timeout track their signals with
    // weak references and finalizers, which cost more than the rest of the dispatch.
    const controller = new AbortController();
    const deadline = { ms: deadlineMs, clientGone: false };
    const timer = setTimeout(() => controller.abort(new DOMException(`No answer within ${deadlineMs} ms`, 'TimeoutError')), deadlineMs);
    const unwatch = request.watchClient(() => {
      deadline.clientGone = true;
      controller.abort(new DOMException('The client closed the request', 'AbortError'));
    });
    try {
      return await this.walk(request, controller.signal, deadline);
    } finally {
      clearTimeout(timer);
      unwatch();
    }
  }

  private async walk<T extends TaskName>(
    request: DispatchRequest<T>,
    signal: AbortSignal,
    deadline: { ms: number; clientGone: boolean },
  ): Promise<DispatchResult<T>> {
    const { task, tenant, chain } = request;
    const descriptor = taskDescriptor(task);
    const deadlineMs = deadline.ms;
    // Retrieved once, before the chain: every provider answers from the same entries.
    const knowledge = descriptor.grounded && this.grounding ? await this.grounding.ground(tenant.id, request.input) : undefined;
    const attempts: Attempt[] = [];
    const openRetries: number[] = [];
    // A deadline shorter than the task's configured one is the caller's choice: running out of it is not the vendor's fault.
    const callerCut = deadlineMs < this.config.tasks[task].timeoutMs;
    const begun = performance.now();
    for (const provider of chain) {
      for (let attempt = 1; ; attempt++) {
        const started = performance.now();
        try {
          const run = () => provider.run(task, request.input, { tenantId: tenant.id, requestId: request.requestId, signal, knowledge });
          const call = callerCut ? () => run().catch((err: unknown) => Promise.reject(asCallerDeadline(err, signal))) : run;
          // In-process providers have no vendor to protect from, and stay the last resort when breakers are open.
          const bulkhead = this.bulkheads.get(provider.name);
          const model = modelOf(provider, task);
          const guarded = () => this.breakers.call(provider.name, model, tenant.id, call);
          const output = await inAttemptSpan({ provider: provider.name, kind: provider.kind, operation: provider.operation ?? task, inProcess: provider.inProcess, task, model, attempt }, () =>
            provider.inProcess ? call() : bulkhead ? bulkhead.run(guarded, signal, tenant.id) : guarded(),
          );
          if (!resultCheckers[task].Check(output.result)) {
            throw new ProviderError(provider.name, 'invalid_output', `${provider.name} returned a ${task} result outside the schema`);
          }
          if (descriptor.complete) output.result = descriptor.complete(output.result) as typeof output.result;
          const ms = performance.now() - started;
          attempts.push({ provider: provider.name, outcome: 'ok', ms });
          this.observer.providerAttempt(provider.name, task, 'ok', ms / 1000);
          const priced = { provider: provider.name, inProcess: provider.inProcess, model: output.model, task, usage: output.usage };
          const cost = costMicros(this.config.pricing, priced);
          return { ...output, provider: provider.name, cost_micros: cost, unit_price: unitPrice(this.config.pricing, priced), attempts };
        } catch (err) {
          const failure = asProviderError(provider.name, err);
          if (failure instanceof CircuitOpenError) openRetries.push(failure.retryAfterMs ?? 0);
          const ms = performance.now() - started;
          attempts.push({ provider: provider.name, outcome: failure.failure, ms });
          this.observer.providerAttempt(provider.name, task, failure.failure, ms / 1000);
          if (signal.aborted) throw deadlineError(task, deadlineMs, attempts, deadline.clientGone);
          if (!failure.fallsThrough) {
            throw new GatewayError('PROVIDER_ERROR', `Provider "${provider.name}" rejected the request.`, {
              details: { attempts: publicAttempts(attempts) },
              cause: err,
            });
          }
          if (!RETRYABLE_FAILURES.has(failure.failure) || attempt >= this.config.retries.maxAttempts) break;
          const delay = backoffMs(attempt, this.config.retries, failure.retryAfterMs);
          // A retry that cannot finish inside the deadline is worth less than the next provider.
          if (performance.now() - begun + delay >= deadlineMs) break;
          try {
            await sleep(delay, signal);
          } catch {
            throw deadlineError(task, deadlineMs, attempts, deadline.clientGone);
          }
        }
      }
    }
    if (attempts.length > 0 && attempts.every((a) => a.outcome === 'overloaded')) {
      throw new GatewayError('OVERLOADED', `Every provider for ${task} is at capacity; try again shortly.`, {
        headers: { 'retry-after': '1' },
        details: { attempts: publicAttempts(attempts) },
      });
    }
    if (attempts.length > 0 && attempts.every((a) => a.outcome === 'circuit_open')) {
      const retryAfterMs = Math.min(...openRetries);
      throw new GatewayError('UPSTREAM_CIRCUIT_OPEN', `Every provider for ${task} is failing; try again later.`, {
        headers: { 'retry-after': String(Math.max(1, Math.ceil(retryAfterMs / 1000))) },
        details: { attempts: publicAttempts(attempts), retry_after_ms: retryAfterMs },
      });
    }
    if (attempts.length > 0 && attempts.every((a) => a.outcome === 'unsupported')) {
      throw descriptor.declined?.(request.input) ?? new GatewayError('UNSUPPORTED_OPTION', `No provider handles this ${task} request.`, { details: { task } });
    }
    throw new GatewayError('NO_PROVIDER_AVAILABLE', `No provider could answer ${task}.`, {
      details: { attempts: publicAttempts(attempts) },
    });
  }
}

function asProviderError(provider: string, err: unknown): ProviderError {
  if (err instanceof ProviderError) return err;
  // A bug inside a provider must not take the request down while another provider could answer.
  return new ProviderError(provider, 'invalid_output', `${provider} failed unexpectedly`, { cause: err });
}

/** The request's own deadline (not the vendor's time limit) cut the call short: a `deadline`, never a vendor `timeout`. */
function asCallerDeadline(err: unknown, signal: AbortSignal): unknown {
  if (!(err instanceof ProviderError) || err.failure !== 'timeout' || !signal.aborted) return err;
  return new ProviderError(err.provider, 'deadline', `${err.provider} call cut short by the caller's deadline`, { cause: err });
}

function publicAttempts(attempts: Attempt[]) {
  return attempts.map((a) => ({ provider: a.provider, outcome: a.outcome }));
}

function deadlineError(task: TaskName, deadlineMs: number, attempts: Attempt[], clientGone: boolean): GatewayError {
  const message = clientGone ? 'The client closed the request.' : `No answer for ${task} within ${deadlineMs} ms.`;
  return new GatewayError('PROVIDER_TIMEOUT', message, { details: { timeout_ms: deadlineMs, attempts: publicAttempts(attempts) } });
}
