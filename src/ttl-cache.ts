import { LRUCache } from 'lru-cache';

/**
 * A bounded read-through cache for hot lookups (keys, tenants) so the request path rarely waits on SQL.
 * Misses are cached too (as null) so a flood of unknown keys cannot reach the database.
 */
export class TtlCache<V extends object> {
  private readonly cache: LRUCache<string, { value: V | null }>;

  constructor(options: { max: number; ttlMs: number }) {
    this.cache = new LRUCache({ max: options.max, ttl: options.ttlMs });
  }

  async get(key: string, load: () => Promise<V | undefined>): Promise<V | undefined> {
    const hit = this.cache.get(key);
    if (hit) return hit.value ?? undefined;
    const value = (await load()) ?? null;
    this.cache.set(key, { value });
    return value ?? undefined;
  }

  delete(key: string): void {
    this.cache.delete(key);
  }

  /** Drops every entry whose value matches; for invalidation by something other than the cache key. */
  deleteWhere(match: (value: V) => boolean): void {
    for (const [key, entry] of this.cache.entries()) if (entry.value && match(entry.value)) this.cache.delete(key);
  }
}
