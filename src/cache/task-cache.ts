import { hash } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { LRUCache } from 'lru-cache';
import { canonicalJson } from '../canonical-json.js';
import type { TaskName } from '../tasks/index.js';
import type { InvalidationBus, SharedCache } from '../../repositories/types.js';
import type { GatewayObserver } from '../observability/observer.js';
import type { DispatchResult } from '../dispatch.js';

export type CacheMode = 'use' | 'bypass' | 'refresh';
export type CacheStatus = 'HIT' | 'MISS' | 'BYPASS';

/** What a cached answer keeps: the answer and who gave it; usage and cost belong to the request that paid for it. */
interface CachedAnswer {
  result: DispatchResult['result'];
  provider: string;
  model: string;
}

interface L1Entry {
  answer: CachedAnswer;
  bytes: number;
}

export interface CacheKeyParts {
  tenantId: string;
  task: TaskName;
  /** The provider chain with each provider's model version: a new model or route makes old entries unreachable. */
  models: string[];
  input: unknown;
  /** Options that change the answer (not timeout or cache mode). */
  options: unknown;
}

export interface TaskCacheOptions {
  shared: SharedCache | undefined;
  bus: InvalidationBus;
  ttlMs: Record<TaskName, number>;
  l1MaxBytes: number;
  log: FastifyBaseLogger;
  /** Told of every lookup. */
  observer?: GatewayObserver;
  /** The gateway's clock: entry lifetimes, generation caching and the L2 back-off all read it. */
  clock?: () => Date;
}

const GENERATION_TTL_MS = 5_000;
const L2_BACKOFF_MS = 5_000;
const LOCK_MS = 5_000;
const WAIT_STEP_MS = 25;

/** Whitespace and Unicode form do not change an answer; case and punctuation may, so they stay. */
const foldText = (s: string) => s.normalize('NFC').trim().replace(/\s+/g, ' ');

const generationNames = (tenantId: string, task: TaskName) => ['all', `tenant:${tenantId}`, `task:${tenantId}:${task}`];

/**
 * Two-level answer cache: L1 in this process (bounded by bytes), L2 in Redis when configured. Keys always include the
 * tenant, so answers are never shared across tenants. A miss is computed once per key: one flight per instance, and a
 * short Redis lock across instances while the others wait for L2. Purges bump generation numbers that are part of
 * every key, so purged entries become unreachable everywhere at once. Redis trouble only costs L2: answers keep coming.
 */
export class TaskCache {
  /** Parsed answers, sized by their JSON: a hit costs no parsing. Answers are never mutated after caching. */
  private readonly l1: LRUCache<string, L1Entry>;
  private readonly now: () => number;
  private readonly flights = new Map<string, Promise<CachedAnswer>>();
  private readonly generationCache = new Map<string, { value: number; expires: number }>();
  /** Embedded mode (or Redis away): generations kept here. */
  private readonly localGenerations = new Map<string, number>();
  private l2DownUntil = 0;

  constructor(private readonly options: TaskCacheOptions) {
    this.now = options.clock ? () => options.clock!().getTime() : Date.now;
    this.l1 = new LRUCache<string, L1Entry>({ maxSize: options.l1MaxBytes, sizeCalculation: (v, k) => (v.bytes + k.length) * 2, perf: { now: this.now }, ttlResolution: 0 });
    options.bus.subscribe((m) => {
      if (m.kind === 'cache') this.generationCache.clear();
    });
  }

  ttlFor(task: TaskName): number {
    return this.options.ttlMs[task];
  }

  async run(
    parts: CacheKeyParts,
    mode: CacheMode,
    compute: () => Promise<DispatchResult>,
  ): Promise<{ out: DispatchResult; status: CacheStatus }> {
    const ttl = this.ttlFor(parts.task);
    if (mode === 'bypass' || ttl <= 0) return { out: await compute(), status: 'BYPASS' };
    const key = await this.key(parts);
    if (mode === 'use') {
      const hit = await this.lookup(key, ttl);
      if (hit) return { out: fromCache(hit), status: 'HIT' };
      const flight = this.flights.get(key);
      if (flight) return { out: fromCache(await flight), status: 'HIT' };
    }
    let computed: DispatchResult | undefined;
    const flight = this.fill(key, ttl, mode, async () => {
      computed = await compute();
      return deepFreeze({ result: computed.result, provider: computed.provider, model: computed.model });
    });
    this.flights.set(key, flight);
    try {
      const answer = await flight;
      // Another instance may have answered while this one waited on its lock: that is a hit here.
      return computed ? { out: computed, status: 'MISS' } : { out: fromCache(answer), status: 'HIT' };
    } finally {
      this.flights.delete(key);
    }
  }

  private async fill(key: string, ttl: number, mode: CacheMode, compute: () => Promise<CachedAnswer>): Promise<CachedAnswer> {
    const shared = this.l2();
    let locked = false;
    if (shared && mode === 'use') {
      const got = await this.guard(() => shared.lock(key, LOCK_MS));
      locked = got === true;
      if (got === false) {
        const waited = await this.waitForL2(key, ttl);
        if (waited) return waited;
      }
    }
    try {
      const answer = await compute();
      const value = JSON.stringify(answer);
      this.l1.set(key, { answer, bytes: value.length }, { ttl });
      if (shared) await this.guard(() => shared.set(key, value, ttl));
      return answer;
    } finally {
      if (locked && shared) void this.guard(() => shared.unlock(key));
    }
  }

  private async waitForL2(key: string, ttl: number): Promise<CachedAnswer | undefined> {
    // Counted in steps, not read off a clock: the wait is real time (another instance computing), whatever the clock says.
    for (let step = 0; step < LOCK_MS / WAIT_STEP_MS; step++) {
      await new Promise((r) => setTimeout(r, WAIT_STEP_MS));
      const hit = await this.lookup(key, ttl);
      if (hit) return hit;
      if (!this.l2()) return undefined;
    }
    return undefined;
  }

  /** An answer found in L2 is copied into L1 for at most the task's TTL (L2 may hold it for less). */
  private async lookup(key: string, ttl: number): Promise<CachedAnswer | undefined> {
    const local = this.l1.get(key);
    this.options.observer?.cacheLookup('l1', local !== undefined);
    if (local) return local.answer;
    const shared = this.l2();
    if (!shared) return undefined;
    const remote = await this.guard(() => shared.get(key));
    this.options.observer?.cacheLookup('l2', Boolean(remote));
    if (!remote) return undefined;
    const answer = deepFreeze(JSON.parse(remote) as CachedAnswer);
    this.l1.set(key, { answer, bytes: remote.length }, { ttl });
    return answer;
  }

  async key(parts: CacheKeyParts): Promise<string> {
    const generations = await this.generations(generationNames(parts.tenantId, parts.task));
    const material = `[1,${JSON.stringify([parts.tenantId, parts.task, parts.models, generations])},${canonicalJson(parts.input, foldText)},${canonicalJson(parts.options, foldText)}]`;
    return hash('sha256', material, 'hex');
  }

  /** Makes a tenant's (or one task's, or everyone's) cached answers unreachable on every instance. */
  async purge(scope: { tenantId?: string | undefined; task?: TaskName | undefined }): Promise<void> {
    const name = scope.tenantId ? (scope.task ? `task:${scope.tenantId}:${scope.task}` : `tenant:${scope.tenantId}`) : 'all';
    const shared = this.l2();
    const bumped = shared ? await this.guard(() => shared.bump(name)) : undefined;
    if (bumped === undefined) this.localGenerations.set(name, (this.localGenerations.get(name) ?? 0) + 1);
    if (!scope.tenantId) this.l1.clear();
    this.generationCache.clear();
    await this.options.bus.publish({ kind: 'cache', id: name });
  }

  private async generations(names: string[]): Promise<number[]> {
    const now = this.now();
    const cached = names.map((n) => this.generationCache.get(n));
    if (cached.every((c) => c && c.expires > now)) return cached.map((c) => c!.value);
    const shared = this.l2();
    const remote = shared ? await this.guard(() => shared.generations(names)) : undefined;
    const values = names.map((n, i) => (remote?.[i] ?? 0) + (this.localGenerations.get(n) ?? 0));
    names.forEach((n, i) => this.generationCache.set(n, { value: values[i]!, expires: now + GENERATION_TTL_MS }));
    return values;
  }

  private l2(): SharedCache | undefined {
    return this.options.shared && this.now() >= this.l2DownUntil ? this.options.shared : undefined;
  }

  /** An L2 failure switches L2 off for a few seconds, so a dead or paused Redis costs at most one timeout. */
  private async guard<T>(op: () => Promise<T>): Promise<T | undefined> {
    try {
      return await op();
    } catch (err) {
      if (this.now() >= this.l2DownUntil) this.options.log.warn({ err: { message: (err as Error).message } }, 'L2 cache unavailable; L1 only');
      this.l2DownUntil = this.now() + L2_BACKOFF_MS;
      return undefined;
    }
  }
}

/** L1 shares one answer object between requests: freezing it turns an accidental mutation into a loud error. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

function fromCache(answer: CachedAnswer): DispatchResult {
  return {
    result: answer.result,
    provider: answer.provider,
    model: answer.model,
    usage: { input_tokens: 0, output_tokens: 0 },
    cost_micros: 0,
    unit_price: {},
    attempts: [],
  } as DispatchResult;
}
