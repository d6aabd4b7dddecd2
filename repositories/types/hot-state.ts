/** Thrown by hot-state stores (Redis) when they cannot answer; callers decide whether to fail open or closed. */
export class StoreUnavailableError extends Error {
  constructor(store: string, options?: { cause?: unknown }) {
    super(`${store} is unavailable`, options);
    this.name = 'StoreUnavailableError';
  }
}

/** Remembers request nonces for replay protection (GW-HMAC-1). Shared across instances through Redis. */
export interface NonceStore {
  /** Records the nonce; false when it was already recorded within its time to live. Throws StoreUnavailableError. */
  remember(scope: string, nonce: string, ttlSeconds: number): Promise<boolean>;
  close(): Promise<void>;
}

/** What a cache must forget, told to every instance. */
export type Invalidation = { kind: 'key'; id: string } | { kind: 'tenant'; id: string } | { kind: 'cache'; id: string };

/** Cross-instance cache invalidation (Redis pub/sub; in-process in embedded mode). */
export interface InvalidationBus {
  publish(message: Invalidation): Promise<void>;
  subscribe(handler: (message: Invalidation) => void): void;
  close(): Promise<void>;
}

/** One sliding-window rule: at most `limit` hits per `windowMs` for `name`. */
export interface RateRule {
  name: string;
  limit: number;
  windowMs: number;
  /** What this call counts for (default 1): an ingest counts its events. Never more than the limit. */
  cost?: number;
}

export interface RateDecision {
  allowed: boolean;
  /** The most restrictive rule's numbers (the one that refused, or the one with least room left). */
  limit: number;
  remaining: number;
  /** Milliseconds until that rule's window ends. */
  resetMs: number;
  /** When refused: milliseconds until a retry can succeed. */
  retryAfterMs: number;
}

/**
 * Rate-limit counters. One call decides every rule of a request atomically: all admit and are counted, or the request
 * is refused and nothing is counted. `group` keeps related rules together (one Redis Cluster slot).
 */
export interface RateLimitStore {
  consume(group: string, rules: readonly RateRule[]): Promise<RateDecision>;
  close(): Promise<void>;
}

/**
 * The shared (L2) answer cache and its purge generations. Redis when configured; absent in embedded mode, where the
 * in-process L1 is the only level. Every method may throw StoreUnavailableError; callers then go on without L2.
 */
export interface SharedCache {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** A short lock so one instance computes a missing answer while the others wait for it. */
  lock(key: string, ttlMs: number): Promise<boolean>;
  unlock(key: string): Promise<void>;
  generations(names: readonly string[]): Promise<number[]>;
  bump(name: string): Promise<number>;
}
